/**
 * The one interface every large-model back end implements (docs/ARCHITECTURE.md §1, §4): continue a
 * text, stream the continuation, stop when told, report usage.
 */

export interface ContinueRequest {
  /** The raw text so far; the provider returns what comes next. */
  prompt: string;
  /**
   * The question and the reasoning so far, kept apart for chat-only APIs, which cannot
   * continue a raw text. `reasoning` must be the tail of `prompt`. Completion and local
   * providers ignore it; without it a chat provider treats the whole prompt as the text.
   */
  chat?: { problem: string; reasoning: string };
  maxTokens: number;
  stop?: string[];
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Aborting ends the request promptly; the iterator then throws a ProviderError of kind 'aborted'. */
  signal?: AbortSignal;
}

export interface ProviderChunk {
  /** A piece of continuation text (the caller re-tokenizes it). Never empty. */
  text: string;
  /** Model tokens this piece carries, when known (local: exact; HTTP: one per streamed event). */
  tokens?: number;
}

export interface ProviderUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface BigModelProvider {
  /** For traces and messages, e.g. "openai-completions qwen-32b @ http://127.0.0.1:8000/v1". */
  readonly name: string;
  /**
   * Streams the continuation of `req.prompt`. Stopping the iteration (`return()`, e.g. a
   * `break` out of `for await`) aborts the request or generation at once. Failures throw
   * ProviderError.
   */
  continue(req: ContinueRequest): AsyncIterable<ProviderChunk>;
  /**
   * Token totals over every request this provider has made, as the server reported them;
   * where a server reports nothing, completion tokens are counted as streamed events and
   * prompt tokens are not counted. Undefined before the first request.
   */
  usage?(): ProviderUsage | undefined;
  dispose?(): Promise<void> | void;
}

export type ProviderErrorKind =
  | 'connection' // could not connect, or the connection broke
  | 'timeout' // no response or no new data within the time limit
  | 'http' // the server answered with an error status
  | 'malformed' // the stream carried something that is not the OpenAI format
  | 'truncated' // the stream ended before the server said it was done
  | 'aborted' // the caller aborted
  | 'config' // the settings cannot work (bad URL, missing model folder, ...)
  | 'model'; // the local model failed

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  /** only a settings change fixes this (URL, key, model name): no later request of the solve can succeed */
  fixNeeded?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  /** How long the server asked the client to wait before retrying (Retry-After). */
  readonly retryAfterMs?: number;
  readonly fixNeeded: boolean;

  constructor(message: string, init: ProviderErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.fixNeeded = init.fixNeeded ?? init.kind === 'config';
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}

export function abortedError(name: string): ProviderError {
  return new ProviderError(`${name}: request cancelled`, { kind: 'aborted', retryable: false });
}

/** The same request, asking for what comes after `text` has been added to the prompt. */
export function extendRequest(req: ContinueRequest, text: string, tokens: number): ContinueRequest {
  return {
    ...req,
    prompt: req.prompt + text,
    chat: req.chat && { problem: req.chat.problem, reasoning: req.chat.reasoning + text },
    maxTokens: req.maxTokens - tokens,
  };
}
