/**
 * Retries a provider that fails mid-continuation. A retry asks for the continuation of the
 * prompt plus everything already yielded, so the caller sees one unbroken text: nothing
 * repeated, nothing lost. The same wrapper enforces an idle limit (no new text within
 * timeoutMs), because the SDK's timeout ends when the response headers arrive.
 */
import { abortableSleep, linkedAbort } from './abort';
import {
  ProviderError,
  abortedError,
  extendRequest,
  isProviderError,
  type BigModelProvider,
  type ContinueRequest,
  type ProviderChunk,
  type ProviderUsage,
} from './types';

export interface RetryOptions {
  /** Requests in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** Longest wait between attempts; a Retry-After longer than this ends the retries. */
  maxDelayMs: number;
  /** Longest wait for the first or next piece of text. */
  timeoutMs: number;
  /** Told about each retry before its wait (for logs and traces). */
  onRetry?: (info: RetryInfo) => void;
  /** The wait between attempts; replaceable so tests can record the delays chosen. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  error: ProviderError;
  delayMs: number;
  /** Characters of text already yielded, which the next attempt continues from. */
  resumedChars: number;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'onRetry' | 'sleep'> = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
};

/** Exponential backoff with jitter in [d/2, d], or exactly what the server asked for. */
export function retryDelay(error: ProviderError, failedAttempt: number, o: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const d = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(d / 2 + (Math.random() * d) / 2);
}

const TIMED_OUT = Symbol('timed out');

export function withRetry(inner: BigModelProvider, options: Partial<RetryOptions> = {}): BigModelProvider {
  const o = { ...DEFAULT_RETRY, ...options };
  if (!(o.attempts >= 1)) throw new RangeError(`retry attempts must be at least 1, got ${o.attempts}`);
  const sleep = o.sleep ?? abortableSleep;

  async function* continueWithRetry(req: ContinueRequest): AsyncGenerator<ProviderChunk> {
    let text = '';
    let tokens = 0;
    for (let attempt = 1; ; attempt++) {
      const next = extendRequest(req, text, tokens);
      if (next.maxTokens <= 0) return;
      let failure: ProviderError;
      const { controller, release } = linkedAbort(req.signal);
      const it = inner.continue({ ...next, signal: controller.signal })[Symbol.asyncIterator]();
      try {
        for (;;) {
          const r = await nextWithin(it, o.timeoutMs);
          if (r === TIMED_OUT) {
            throw new ProviderError(`${inner.name}: no text for ${Math.round(o.timeoutMs / 1000)} s`, { kind: 'timeout', retryable: true });
          }
          if (r.done) return;
          if (req.signal?.aborted) throw abortedError(inner.name);
          if (!r.value.text) continue;
          text += r.value.text;
          tokens += r.value.tokens ?? 1;
          yield r.value;
        }
      } catch (e) {
        if (req.signal?.aborted) throw abortedError(inner.name);
        failure = isProviderError(e) ? e : new ProviderError(`${inner.name}: ${String(e)}`, { kind: 'model', retryable: false, cause: e });
      } finally {
        controller.abort();
        release();
        // The inner generator may be stuck in an await that the abort is now ending; don't wait for it.
        void it.return?.().catch(() => undefined);
      }
      if (!failure.retryable) throw failure;
      if (attempt >= o.attempts) {
        throw new ProviderError(`${failure.message} (gave up after ${attempt} attempts)`, {
          kind: failure.kind,
          retryable: false,
          status: failure.status,
          fixNeeded: failure.fixNeeded,
          cause: failure,
        });
      }
      const delayMs = retryDelay(failure, attempt, o);
      if (delayMs > o.maxDelayMs) {
        throw new ProviderError(
          `${failure.message} (the server asks to wait ${Math.ceil(delayMs / 1000)} s, more than the ${Math.round(o.maxDelayMs / 1000)} s allowed)`,
          {
            kind: failure.kind,
            retryable: false,
            status: failure.status,
            retryAfterMs: failure.retryAfterMs,
            cause: failure,
          },
        );
      }
      o.onRetry?.({ attempt, error: failure, delayMs, resumedChars: text.length });
      try {
        await sleep(delayMs, req.signal);
      } catch {
        throw abortedError(inner.name);
      }
    }
  }

  return {
    name: inner.name,
    continue: continueWithRetry,
    usage: inner.usage && ((): ProviderUsage | undefined => inner.usage?.()),
    dispose: inner.dispose && (() => inner.dispose?.()),
  };
}

/** The iterator's next result, or TIMED_OUT if none arrives within `ms`. */
async function nextWithin<T>(it: AsyncIterator<T>, ms: number): Promise<IteratorResult<T> | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const pending = it.next();
  // If the timer wins, the abandoned next() will reject once aborted; nobody else awaits it.
  pending.catch(() => undefined);
  try {
    return await Promise.race([pending, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
