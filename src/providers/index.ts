/** Large-model providers (docs/ARCHITECTURE.md §1): one interface, OpenAI-compatible HTTP and local back ends. */
export * from './types';
export { withRetry, retryDelay, DEFAULT_RETRY, type RetryOptions, type RetryInfo } from './retry';
export { OpenAICompletionsProvider } from './openaiCompletions';
export { OpenAIChatProvider, type ChatProviderSettings } from './openaiChat';
export { CHAT_MODES, type ChatMode } from './chatMessages';
export type { HttpProviderSettings } from './openaiClient';
export { PROVIDER_KINDS, type ProviderConfig, type ProviderKind } from './config';
export { LocalProvider, type LocalProviderSettings } from './local';
import { DEVICES, type Device, type Dtype } from '../engine';
import { createProviderWith, type ProviderConfig } from './config';
import { LocalProvider } from './local';
import { ProviderError, type BigModelProvider } from './types';

const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q4', 'q4f16', 'int8', 'uint8', 'quantized', 'bnb4'];

function localFromConfig(c: ProviderConfig): BigModelProvider {
  if (c.device !== undefined && !DEVICES.includes(c.device as Device)) {
    throw new ProviderError(`unknown device '${c.device}' for the local large model: use one of ${DEVICES.join(', ')}`, { kind: 'config', retryable: false });
  }
  if (c.dtype !== undefined && !DTYPES.includes(c.dtype as Dtype)) {
    throw new ProviderError(`unknown dtype '${c.dtype}' for the local large model: use one of ${DTYPES.join(', ')}`, { kind: 'config', retryable: false });
  }
  return new LocalProvider({ modelDir: c.modelDir!, device: c.device as Device | undefined, dtype: c.dtype as Dtype | undefined, threads: c.threads });
}

/** The configured provider, wrapped in withRetry for HTTP kinds; undefined for kind 'none'. */
export function createProvider(config: ProviderConfig): BigModelProvider | undefined {
  return createProviderWith(config, localFromConfig);
}
