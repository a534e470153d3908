/** Large-model providers (DESIGN.md §1): one interface, OpenAI-compatible HTTP and local back ends. */
export * from './types';
export { withRetry, retryDelay, DEFAULT_RETRY, type RetryOptions, type RetryInfo } from './retry';
export { OpenAICompletionsProvider } from './openaiCompletions';
export { OpenAIChatProvider, type ChatProviderSettings } from './openaiChat';
export { CHAT_MODES, type ChatMode } from './chatMessages';
export type { HttpProviderSettings } from './openaiClient';
export { PROVIDER_KINDS, type ProviderConfig, type ProviderKind } from './config';
import { createProviderWith, type ProviderConfig } from './config';
import type { BigModelProvider } from './types';

/** The configured provider, wrapped in withRetry (HTTP kinds); undefined for kind 'none'. */
export function createProvider(config: ProviderConfig): BigModelProvider | undefined {
  return createProviderWith(config);
}
