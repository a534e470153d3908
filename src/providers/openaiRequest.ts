/**
 * What the completions and chat back ends share around one streamed request: the sampling
 * fields, aborting the HTTP request when the consumer stops, and asking for usage unless the
 * server refused `stream_options` before.
 */
import type { APIPromise } from 'openai/core/api-promise';
import { linkedAbort } from './abort';
import { streamOpenAI, type StreamTarget } from './openaiStream';
import { ProviderError, type ContinueRequest, type ProviderChunk } from './types';

export function samplingFields(req: ContinueRequest): Record<string, unknown> {
  return {
    max_tokens: req.maxTokens,
    ...(req.stop?.length ? { stop: req.stop } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.topP !== undefined ? { top_p: req.topP } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
  };
}

/** A 400 that names stream_options: the server predates it. Nothing was yielded yet. */
export function refusedStreamOptions(e: unknown): boolean {
  return e instanceof ProviderError && e.status === 400 && /stream_options|include_usage/i.test(e.message);
}

export class StreamedRequests {
  /** Cleared when a server refuses stream_options (older servers reject unknown fields). */
  private askUsage = true;

  /**
   * Streams one request; `open(withUsage, signal)` starts it. Stopping the iteration aborts the
   * HTTP request at once.
   */
  async *stream(
    req: ContinueRequest,
    target: Omit<StreamTarget, 'signal'>,
    open: (withUsage: boolean, signal: AbortSignal) => APIPromise<unknown>,
  ): AsyncGenerator<ProviderChunk> {
    const { controller, release } = linkedAbort(req.signal);
    const t = { ...target, signal: req.signal };
    try {
      try {
        yield* streamOpenAI(open(this.askUsage, controller.signal), t);
      } catch (e) {
        if (!(this.askUsage && refusedStreamOptions(e))) throw e;
        this.askUsage = false;
        yield* streamOpenAI(open(false, controller.signal), t);
      }
    } finally {
      controller.abort();
      release();
    }
  }
}
