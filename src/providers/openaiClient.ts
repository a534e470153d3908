/** The `openai` SDK client for an OpenAI-compatible server, set up for our own retries. */
import OpenAI from 'openai';
import { ProviderError } from './types';

export interface HttpProviderSettings {
  /** e.g. http://127.0.0.1:8000/v1 */
  baseUrl: string;
  model: string;
  /** Omitted: no Authorization header is sent (local servers). */
  apiKey?: string;
  headers?: Record<string, string>;
  /** Time allowed for the server to start answering; the retry wrapper also uses it as the idle limit. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ProviderError(`large-model base URL '${baseUrl}' is not a URL: use e.g. http://127.0.0.1:8000/v1`, { kind: 'config', retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderError(`large-model base URL '${baseUrl}' must start with http:// or https://`, { kind: 'config', retryable: false });
  }
  return baseUrl.replace(/\/+$/, '');
}

export function createClient(s: HttpProviderSettings): OpenAI {
  if (!s.model) throw new ProviderError('no large-model name set: set the model the server serves', { kind: 'config', retryable: false });
  const baseURL = checkBaseUrl(s.baseUrl);
  const key = s.apiKey?.trim();
  return new OpenAI({
    baseURL,
    // The SDK insists on a key; a null Authorization header keeps it off the wire.
    apiKey: key || 'unused',
    defaultHeaders: { ...(key ? {} : { Authorization: null }), ...s.headers },
    organization: null,
    project: null,
    timeout: s.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0, // withRetry resumes from the text already streamed; the SDK would start over
    logLevel: 'off',
  });
}
