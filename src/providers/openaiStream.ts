/**
 * Reads one streamed OpenAI-format response (completions or chat) into text chunks and
 * decides whether it ended properly: `[DONE]` or a finish_reason. Anything else — a
 * broken socket, a line that is not JSON, an error event, an end without either — is a
 * retryable ProviderError, so the retry wrapper can resume from the text already yielded.
 */
import type { APIPromise } from 'openai/core/api-promise';
import { readSseEvents } from './sse';
import { toProviderError } from './httpErrors';
import { ProviderError, abortedError, type ProviderChunk } from './types';
import type { UsageTotals } from './usage';

interface StreamChoice {
  text?: unknown;
  delta?: { content?: unknown };
  message?: { content?: unknown };
  finish_reason?: unknown;
}
interface StreamPayload {
  choices?: StreamChoice[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: { message?: unknown } | string;
}

export interface StreamTarget {
  /** Base URL, for messages. */
  where: string;
  model: string;
  usage: UsageTotals;
  signal?: AbortSignal;
}

function choiceText(c: StreamChoice | undefined): string {
  if (!c) return '';
  const t = c.text ?? c.delta?.content ?? c.message?.content;
  return typeof t === 'string' ? t : '';
}

export async function* streamOpenAI(request: APIPromise<unknown>, target: StreamTarget): AsyncGenerator<ProviderChunk> {
  const { where, model, usage, signal } = target;
  let response: Response;
  try {
    response = await request.asResponse();
  } catch (e) {
    if (signal?.aborted) throw abortedError(where);
    throw toProviderError(e, where, model);
  }
  const body = response.body;
  if (!body) throw new ProviderError(`${where} sent an empty response`, { kind: 'malformed', retryable: true });

  let finished = false;
  let events = 0;
  let reported = false;
  const take = (payload: StreamPayload): ProviderChunk | undefined => {
    if (payload.error !== undefined) {
      const msg = typeof payload.error === 'string' ? payload.error : String(payload.error.message ?? JSON.stringify(payload.error));
      throw new ProviderError(`${where} reported an error mid-stream: ${msg}`, { kind: 'http', retryable: true });
    }
    const u = payload.usage;
    if (u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number') {
      usage.add(u.prompt_tokens, u.completion_tokens);
      reported = true;
    }
    const choice = payload.choices?.[0];
    if (choice && choice.finish_reason !== null && choice.finish_reason !== undefined) finished = true;
    const text = choiceText(choice);
    if (text === '') return undefined;
    events++;
    return { text, tokens: 1 };
  };

  try {
    // A server that ignores stream:true answers with one JSON body; take it whole.
    if ((response.headers.get('content-type') ?? '').includes('application/json')) {
      const payload = parseJson(await response.text(), where);
      const chunk = take(payload);
      if (chunk) yield chunk;
      return;
    }
    for await (const sse of readSseEvents(body as unknown as AsyncIterable<Uint8Array>)) {
      if (sse.data.trim() === '[DONE]') return;
      const chunk = take(parseJson(sse.data, where));
      if (signal?.aborted) throw abortedError(where);
      if (chunk) yield chunk;
    }
    if (!finished) {
      throw new ProviderError(`${where} ended the stream before it was done (no [DONE], no finish_reason)`, { kind: 'truncated', retryable: true });
    }
  } catch (e) {
    if (signal?.aborted) throw abortedError(where);
    // Past a finish_reason the text is complete; a broken tail loses only the usage report.
    if (finished && !(e instanceof ProviderError && e.kind === 'http')) return;
    throw toProviderError(e, where, model);
  } finally {
    if (!reported && events > 0) usage.add(0, events);
    if (!body.locked) void body.cancel().catch(() => undefined);
  }
}

function parseJson(data: string, where: string): StreamPayload {
  try {
    const v: unknown = JSON.parse(data);
    if (v && typeof v === 'object') return v as StreamPayload;
  } catch {
    // fall through
  }
  const shown = data.length > 120 ? `${data.slice(0, 120)}…` : data;
  throw new ProviderError(`${where} sent a stream line that is not OpenAI JSON: ${JSON.stringify(shown)}`, { kind: 'malformed', retryable: true });
}
