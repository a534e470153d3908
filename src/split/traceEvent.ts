/**
 * The one check of an untrusted trace event (from a model's run in a host message, or a `.jsonl`
 * file on disk). Pure and browser-safe: the webview and the extension's trace-file reader both use it.
 * Every event is rebuilt from checked fields, so a consumer never sees a string where it expects a
 * number (a segment id ends up in a data attribute) or an unknown event type. Fields that identify
 * what an event is (ids, sources, reasons, text) must be right; figures only shown (times, counts)
 * fall back to 0 or '' so one bad figure does not drop an event.
 */
import type { TraceEvent } from './events';
import { DONE_REASONS, SEGMENT_END_REASONS, SEGMENT_SOURCES, TOKEN_LIMITS, TRIGGERS } from './events';
import { VERDICTS } from '../math/verdict';

/** A checked event, or one sentence saying what was wrong with it. */
export type ParsedEvent = { event: TraceEvent; error?: undefined } | { event?: undefined; error: string };

type Fields = Record<string, unknown>;

const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const str = (x: unknown): x is string => typeof x === 'string';
const oneOf = <T extends string>(list: readonly T[], x: unknown): x is T => typeof x === 'string' && (list as readonly string[]).includes(x);
const optNum = (x: unknown): number | undefined => (num(x) ? x : undefined);
const optStr = (x: unknown): string | undefined => (str(x) ? x : undefined);
const segmentId = (x: unknown): x is number => Number.isSafeInteger(x);

/** Thrown inside a rule when a field that identifies the event is wrong. */
class Bad extends Error {}

const got = (x: unknown) => (x === undefined ? 'nothing' : JSON.stringify(x));
const words = (list: readonly string[]) =>
  list
    .map((w) => JSON.stringify(w))
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1');

function need<T>(e: Fields, key: string, ok: (x: unknown) => x is T, what: string): T {
  const x = e[key];
  if (ok(x)) return x;
  throw new Bad(`"${String(e.type)}" event needs ${key} as ${what}, got ${got(x)}`);
}
const needId = (e: Fields, key: string) => need(e, key, segmentId, typeof e[key] === 'number' ? 'a whole number' : 'a number');
function needOneOf<T extends string>(e: Fields, key: string, list: readonly T[]): T {
  const x = e[key];
  if (oneOf(list, x)) return x;
  throw new Bad(`"${String(e.type)}" event: ${key} must be ${words(list)}, got ${got(x)}`);
}

const RULES: { [K in TraceEvent['type']]: (e: Fields) => Extract<TraceEvent, { type: K }> } = {
  start: (e) => ({
    type: 'start',
    problem: optStr(e.problem) ?? '',
    smallModel: optStr(e.smallModel) ?? '',
    bigModel: optStr(e.bigModel) ?? '',
    device: optStr(e.device) ?? '',
    policy: optStr(e.policy) ?? '',
    time: optNum(e.time) ?? 0,
  }),
  segment: (e) => ({
    type: 'segment',
    id: needId(e, 'id'),
    source: needOneOf(e, 'source', SEGMENT_SOURCES),
    trigger: oneOf(TRIGGERS, e.trigger) ? e.trigger : 'start',
  }),
  text: (e) => ({ type: 'text', id: needId(e, 'id'), text: need(e, 'text', str, 'a string') }),
  segmentEnd: (e) => {
    const id = needId(e, 'id');
    const reason = needOneOf(e, 'reason', SEGMENT_END_REASONS);
    const error = optStr(e.error);
    const model = optStr(e.model);
    return {
      type: 'segmentEnd',
      id,
      tokens: optNum(e.tokens) ?? 0,
      ms: optNum(e.ms) ?? 0,
      reason,
      ...(error !== undefined ? { error } : {}),
      ...(model !== undefined ? { model } : {}),
    };
  },
  stats: (e) => {
    const extra: Partial<Fields> = {};
    for (const k of ['smallTokensPerSecond', 'bigTokensPerSecond', 'timeToFirstTokenMs'] as const) {
      if (num(e[k])) extra[k] = e[k];
    }
    const device = optStr(e.device);
    return {
      type: 'stats',
      smallTokens: optNum(e.smallTokens) ?? 0,
      bigTokens: optNum(e.bigTokens) ?? 0,
      offloadFraction: optNum(e.offloadFraction) ?? 0,
      tokensPerSecond: optNum(e.tokensPerSecond) ?? 0,
      costEstimate: optNum(e.costEstimate) ?? 0,
      ...extra,
      ...(device !== undefined ? { device } : {}),
    };
  },
  done: (e) => ({
    type: 'done',
    answer: str(e.answer) ? e.answer : null,
    reason: needOneOf(e, 'reason', DONE_REASONS),
    ...(oneOf(TOKEN_LIMITS, e.limit) ? { limit: e.limit } : {}),
    ...(num(e.limitTokens) ? { limitTokens: e.limitTokens } : {}),
  }),
  error: (e) => ({ type: 'error', message: optStr(e.message) ?? 'unknown error', recoverable: e.recoverable === true }),
  check: (e) => {
    const segment = needId(e, 'segment');
    const line = need(e, 'line', str, 'a string');
    const verdict = needOneOf(e, 'verdict', VERDICTS);
    const expected = optStr(e.expected);
    const message = optStr(e.message);
    return { type: 'check', segment, line, verdict, ...(expected !== undefined ? { expected } : {}), ...(message !== undefined ? { message } : {}) };
  },
};

/** The event types a trace may hold. */
export const TRACE_EVENT_TYPES = Object.keys(RULES) as readonly TraceEvent['type'][];

/** A checked copy of `x` with unknown fields dropped, or why `x` is not a trace event. */
export function parseTraceEvent(x: unknown): ParsedEvent {
  if (!isObject(x)) return { error: 'expected an event object' };
  if (!oneOf(TRACE_EVENT_TYPES, x.type)) {
    return { error: `unknown event type ${got(x.type)} (expected one of ${TRACE_EVENT_TYPES.join(', ')})` };
  }
  try {
    return { event: RULES[x.type](x) };
  } catch (e) {
    if (e instanceof Bad) return { error: e.message };
    throw e;
  }
}
