/** `/v1/chat/completions` back end for chat-only APIs; see chatMessages.ts for the modes. */
import type OpenAI from 'openai';
import { chatBody, type ChatMode } from './chatMessages';
import { createClient, type HttpProviderSettings } from './openaiClient';
import { StreamedRequests, samplingFields } from './openaiRequest';
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
  private readonly requests = new StreamedRequests();

  constructor(private readonly settings: ChatProviderSettings) {
    this.client = createClient(settings);
    this.mode = settings.chatMode ?? 'instruct';
    this.name = `openai-chat (${this.mode}) ${settings.model} @ ${this.client.baseURL}`;
  }

  continue(req: ContinueRequest): AsyncGenerator<ProviderChunk> {
    const { messages, extra } = chatBody(req, this.mode);
    const body = {
      model: this.settings.model,
      messages,
      stream: true as const,
      ...samplingFields(req),
      ...extra,
    } as OpenAI.ChatCompletionCreateParamsStreaming;
    return this.requests.stream(req, { where: this.client.baseURL, model: this.settings.model, usage: this.totals }, (withUsage, signal) =>
      this.client.chat.completions.create(withUsage ? { ...body, stream_options: { include_usage: true } } : body, { signal }),
    );
  }

  usage(): ProviderUsage | undefined {
    return this.totals.get();
  }
}
