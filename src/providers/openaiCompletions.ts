/**
 * `/v1/completions` back end (vLLM, SGLang, llama.cpp server, Ollama, ...): the large model
 * continues the raw text, which is exactly what the split protocol asks of it.
 */
import type OpenAI from 'openai';
import { linkedAbort } from './abort';
import { createClient, type HttpProviderSettings } from './openaiClient';
import { streamOpenAI } from './openaiStream';
import { ProviderError, type BigModelProvider, type ContinueRequest, type ProviderChunk, type ProviderUsage } from './types';
import { UsageTotals } from './usage';

export class OpenAICompletionsProvider implements BigModelProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly totals = new UsageTotals();
  /** Cleared when a server refuses stream_options (older servers reject unknown fields). */
  private askUsage = true;

  constructor(private readonly settings: HttpProviderSettings) {
    this.client = createClient(settings);
    this.name = `openai-completions ${settings.model} @ ${this.client.baseURL}`;
  }

  async *continue(req: ContinueRequest): AsyncGenerator<ProviderChunk> {
    const { controller, release } = linkedAbort(req.signal);
    try {
      yield* this.stream(req, controller.signal);
    } finally {
      controller.abort();
      release();
    }
  }

  private async *stream(req: ContinueRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const target = { where: this.client.baseURL, model: this.settings.model, usage: this.totals, signal: req.signal };
    const body = {
      model: this.settings.model,
      prompt: req.prompt,
      max_tokens: req.maxTokens,
      stream: true as const,
      ...(req.stop?.length ? { stop: req.stop } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.topP !== undefined ? { top_p: req.topP } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
    };
    try {
      const withUsage = this.askUsage ? { ...body, stream_options: { include_usage: true } } : body;
      yield* streamOpenAI(this.client.completions.create(withUsage, { signal }), target);
    } catch (e) {
      if (!(this.askUsage && refusedStreamOptions(e))) throw e;
      this.askUsage = false;
      yield* streamOpenAI(this.client.completions.create(body, { signal }), target);
    }
  }

  usage(): ProviderUsage | undefined {
    return this.totals.get();
  }
}

/** A 400 that names stream_options: the server predates it. Nothing was yielded yet. */
export function refusedStreamOptions(e: unknown): boolean {
  return e instanceof ProviderError && e.status === 400 && /stream_options|include_usage/i.test(e.message);
}
