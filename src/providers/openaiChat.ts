/** `/v1/chat/completions` back end for chat-only APIs; see chatMessages.ts for the modes. */
import type OpenAI from 'openai';
import { linkedAbort } from './abort';
import { chatBody, type ChatMode } from './chatMessages';
import { createClient, type HttpProviderSettings } from './openaiClient';
import { refusedStreamOptions } from './openaiCompletions';
import { streamOpenAI } from './openaiStream';
import type { BigModelProvider, ContinueRequest, ProviderChunk, ProviderUsage } from './types';
import { UsageTotals } from './usage';

export interface ChatProviderSettings extends HttpProviderSettings {
  chatMode?: ChatMode;
}

export class OpenAIChatProvider implements BigModelProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly mode: ChatMode;
  private readonly totals = new UsageTotals();
  private askUsage = true;

  constructor(private readonly settings: ChatProviderSettings) {
    this.client = createClient(settings);
    this.mode = settings.chatMode ?? 'instruct';
    this.name = `openai-chat (${this.mode}) ${settings.model} @ ${this.client.baseURL}`;
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
    const { messages, extra } = chatBody(req, this.mode);
    const body = {
      model: this.settings.model,
      messages,
      max_tokens: req.maxTokens,
      stream: true as const,
      ...(req.stop?.length ? { stop: req.stop } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.topP !== undefined ? { top_p: req.topP } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...extra,
    } as OpenAI.ChatCompletionCreateParamsStreaming;
    try {
      const withUsage = this.askUsage ? { ...body, stream_options: { include_usage: true } } : body;
      yield* streamOpenAI(this.client.chat.completions.create(withUsage, { signal }), target);
    } catch (e) {
      if (!(this.askUsage && refusedStreamOptions(e))) throw e;
      this.askUsage = false;
      yield* streamOpenAI(this.client.chat.completions.create(body, { signal }), target);
    }
  }

  usage(): ProviderUsage | undefined {
    return this.totals.get();
  }
}
