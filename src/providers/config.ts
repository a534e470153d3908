/** Builds the configured large-model provider from plain settings (VS Code, CLI, tests). */
import { CHAT_MODES, type ChatMode } from './chatMessages';
import { DEFAULT_TIMEOUT_MS } from './openaiClient';
import { OpenAIChatProvider } from './openaiChat';
import { OpenAICompletionsProvider } from './openaiCompletions';
import { withRetry, type RetryOptions } from './retry';
import { ProviderError, type BigModelProvider } from './types';

export type ProviderKind = 'openai-completions' | 'openai-chat' | 'local' | 'none';
export const PROVIDER_KINDS: readonly ProviderKind[] = ['openai-completions', 'openai-chat', 'local', 'none'];

export interface ProviderConfig {
  kind: ProviderKind;
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** Connect/first-byte limit for HTTP, and the idle limit between streamed pieces. */
  timeoutMs?: number;
  /** openai-chat only: how the next step is asked for (chatMessages.ts). */
  chatMode?: ChatMode;
  /** local only: the model folder and where to run it. */
  modelDir?: string;
  device?: string;
  dtype?: string;
  threads?: number;
  /** Retry settings; false turns retries (and the idle limit) off. Default: on for HTTP, off for local. */
  retry?: Partial<RetryOptions> | false;
}

/** Makes the local provider; set by ./index so this file does not load the engine. */
export type LocalFactory = (config: ProviderConfig) => BigModelProvider;

function configError(message: string): ProviderError {
  return new ProviderError(message, { kind: 'config', retryable: false });
}

/** undefined for kind 'none': the small model works alone. */
export function createProviderWith(config: ProviderConfig, local?: LocalFactory): BigModelProvider | undefined {
  if (!PROVIDER_KINDS.includes(config.kind)) {
    throw configError(`unknown large-model provider '${String(config.kind)}': use one of ${PROVIDER_KINDS.join(', ')}`);
  }
  if (config.kind === 'none') return undefined;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw configError(`large-model timeout must be a positive number of milliseconds, got ${config.timeoutMs}`);
  let provider: BigModelProvider;
  if (config.kind === 'local') {
    if (!config.modelDir) throw configError('the local large model needs a model folder: set its path');
    if (!local) throw configError('the local large-model provider is not available in this build');
    provider = local(config);
  } else {
    if (!config.baseUrl) throw configError('the large-model base URL is not set: use e.g. http://127.0.0.1:8000/v1');
    if (!config.model) throw configError(`the large-model name is not set: use the name ${config.baseUrl}/models lists`);
    const http = { baseUrl: config.baseUrl, model: config.model, apiKey: config.apiKey, headers: config.headers, timeoutMs };
    if (config.kind === 'openai-chat') {
      if (config.chatMode !== undefined && !CHAT_MODES.includes(config.chatMode)) {
        throw configError(`unknown chat mode '${config.chatMode}': use one of ${CHAT_MODES.join(', ')}`);
      }
      provider = new OpenAIChatProvider({ ...http, chatMode: config.chatMode });
    } else {
      provider = new OpenAICompletionsProvider(http);
    }
  }
  // A local model has no network to fail and may take a while to load: retry only when asked.
  const retry = config.retry ?? (config.kind === 'local' ? false : {});
  return retry === false ? provider : withRetry(provider, { timeoutMs, ...retry });
}
