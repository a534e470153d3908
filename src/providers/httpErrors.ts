/**
 * Turns what an OpenAI-compatible server (or the socket under it) did wrong into a
 * ProviderError that says whether to retry and what the user should fix.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ProviderError, isProviderError } from './types';

/** Retry-After as seconds or an HTTP-date; also the OpenAI-specific retry-after-ms. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

function serverMessage(e: APIError): string {
  const err = e.error as { message?: unknown } | undefined;
  if (err && typeof err.message === 'string') return err.message;
  return e.message.replace(/^\d{3}\s*/, '');
}

/**
 * @param where the base URL, for messages
 * @param model the model name, for messages
 */
export function toProviderError(e: unknown, where: string, model: string): ProviderError {
  if (isProviderError(e)) return e;
  if (e instanceof APIUserAbortError) return new ProviderError(`${where}: request cancelled`, { kind: 'aborted', retryable: false, cause: e });
  if (e instanceof APIConnectionTimeoutError) {
    return new ProviderError(`${where} did not answer in time`, { kind: 'timeout', retryable: true, cause: e });
  }
  if (e instanceof APIConnectionError) {
    const cause = e.cause instanceof Error ? describeCause(e.cause) : '';
    const code = errorCode(e);
    // a server that is not there, a name that does not resolve, a certificate that does not
    // verify: retrying cannot help, only fixing the URL (or the server) can
    const unreachable = code !== undefined && (UNREACHABLE_CODES.has(code) || /^(ERR_TLS_|CERT_|ERR_SSL_)/.test(code));
    return new ProviderError(`cannot connect to ${where}${cause ? ` (${cause})` : ''}: is the server running and the base URL right?`, {
      kind: 'connection',
      retryable: !unreachable,
      fixNeeded: unreachable,
      cause: e,
    });
  }
  if (e instanceof APIError && e.status !== undefined) {
    const status = e.status;
    const said = serverMessage(e);
    const base = { kind: 'http' as const, status, cause: e };
    if (status === 401 || status === 403) {
      return new ProviderError(`API key rejected by ${where} (HTTP ${status}: ${said}): set it with 'SplitReason: Set API Key'`, {
        ...base,
        retryable: false,
        fixNeeded: true,
      });
    }
    if (status === 404) {
      return new ProviderError(`${where} answered 404 for model '${model}' (${said}): check the model name, and that the base URL ends in /v1`, {
        ...base,
        retryable: false,
        fixNeeded: true,
      });
    }
    if (retryableStatus(status)) {
      const retryAfterMs = parseRetryAfter(e.headers);
      const what = status === 429 ? 'rate limited the request' : `failed with HTTP ${status}`;
      return new ProviderError(`${where} ${what}: ${said}`, { ...base, retryable: true, retryAfterMs });
    }
    return new ProviderError(`${where} rejected the request (HTTP ${status}: ${said}); check the large-model settings`, { ...base, retryable: false });
  }
  const err = e instanceof Error ? e : new Error(String(e));
  // Anything else that escapes while a body is streaming is the socket breaking (undici: "terminated").
  return new ProviderError(`connection to ${where} broke: ${describeCause(err)}`, { kind: 'connection', retryable: true, cause: e });
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'EPROTO',
]);

/** The first system error code in a cause chain (undici nests it, sometimes in an AggregateError). */
function errorCode(e: unknown, depth = 0): string | undefined {
  if (!(e instanceof Error) || depth > 6) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  for (const inner of e instanceof AggregateError ? e.errors : []) {
    const c = errorCode(inner, depth + 1);
    if (c) return c;
  }
  return errorCode(e.cause, depth + 1);
}

function describeCause(e: Error): string {
  const parts = [e.message];
  let c: unknown = e.cause;
  while (c instanceof Error && parts.length < 4) {
    parts.push(c.message);
    c = c.cause;
  }
  return parts.filter((p) => p && p !== 'fetch failed').join(': ') || e.name;
}
