/**
 * `/v1/completions` back end (vLLM, SGLang, llama.cpp server, Ollama, ...): the large model
 * continues the raw text, which is exactly what the split protocol asks of it.
 */
import type OpenAI from 'openai';
import { createClient, type HttpProviderSettings } from './openaiClient';
import { StreamedRequests, samplingFields } from './openaiRequest';
import type { BigModelProvider, ContinueRequest, ProviderChunk, ProviderUsage } from './types';
import { UsageTotals } from './usage';

export class OpenAICompletionsProvider implements BigModelProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly totals = new UsageTotals();
  private readonly requests = new StreamedRequests();

  constructor(private readonly settings: HttpProviderSettings) {
    this.client = createClient(settings);
    this.name = `openai-completions ${settings.model} @ ${this.client.baseURL}`;
  }

  continue(req: ContinueRequest): AsyncGenerator<ProviderChunk> {
    const body = { model: this.settings.model, prompt: req.prompt, stream: true as const, ...samplingFields(req) } as OpenAI.CompletionCreateParamsStreaming;
    return this.requests.stream(req, { where: this.client.baseURL, model: this.settings.model, usage: this.totals }, (withUsage, signal) =>
      this.client.completions.create(withUsage ? { ...body, stream_options: { include_usage: true } } : body, { signal }),
    );
  }

  usage(): ProviderUsage | undefined {
    return this.totals.get();
  }
}
