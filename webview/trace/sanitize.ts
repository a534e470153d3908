/**
 * Trace events come from a model, a host message or a `.jsonl` file on disk: all untrusted.
 * Every event is rebuilt from checked fields here, so the renderer never sees a string where
 * it expects a number (a segment id ends up in a data attribute) or an unknown event type.
 */
import type {
  DoneReason,
  SegmentEndReason,
  SegmentSource,
  TokenLimit,
  TraceEvent,
} from '../../src/split/events';
import { TRIGGERS } from '../../src/split/events';
import { VERDICTS } from '../../src/math/verdict';

const SOURCES: readonly SegmentSource[] = ['small', 'big'];
const END_REASONS: readonly SegmentEndReason[] = [
  'offload', 'handback', 'cap', 'budget', 'big-eos', 'failed', 'eos', 'max-tokens', 'timeout', 'cancelled', 'error',
];
const DONE_REASONS: readonly DoneReason[] = ['eos', 'max-tokens', 'timeout', 'cancelled', 'error'];
const TOKEN_LIMITS: readonly TokenLimit[] = ['budget', 'context'];

type Fields = Record<string, unknown>;

const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const str = (x: unknown): x is string => typeof x === 'string';
const oneOf = <T extends string>(list: readonly T[], x: unknown): x is T => typeof x === 'string' && (list as readonly string[]).includes(x);
const optNum = (x: unknown): number | undefined => (num(x) ? x : undefined);
const optStr = (x: unknown): string | undefined => (str(x) ? x : undefined);
const segmentId = (x: unknown): x is number => Number.isSafeInteger(x);

/** A checked copy of `x`, or null when it is not a trace event this panel understands. */
export function sanitizeEvent(x: unknown): TraceEvent | null {
  if (!isObject(x)) return null;
  switch (x.type) {
    case 'start':
      return {
        type: 'start',
        problem: optStr(x.problem) ?? '',
        smallModel: optStr(x.smallModel) ?? '',
        bigModel: optStr(x.bigModel) ?? '',
        device: optStr(x.device) ?? '',
        policy: optStr(x.policy) ?? '',
        time: optNum(x.time) ?? 0,
      };
    case 'segment':
      if (!segmentId(x.id) || !oneOf(SOURCES, x.source)) return null;
      return { type: 'segment', id: x.id, source: x.source, trigger: oneOf(TRIGGERS, x.trigger) ? x.trigger : 'start' };
    case 'text':
      if (!segmentId(x.id) || !str(x.text)) return null;
      return { type: 'text', id: x.id, text: x.text };
    case 'segmentEnd': {
      if (!segmentId(x.id) || !oneOf(END_REASONS, x.reason)) return null;
      const error = optStr(x.error);
      const model = optStr(x.model);
      return {
        type: 'segmentEnd',
        id: x.id,
        tokens: optNum(x.tokens) ?? 0,
        ms: optNum(x.ms) ?? 0,
        reason: x.reason,
        ...(error !== undefined ? { error } : {}),
        ...(model !== undefined ? { model } : {}),
      };
    }
    case 'stats': {
      const extra: Partial<Fields> = {};
      for (const k of ['smallTokensPerSecond', 'bigTokensPerSecond', 'timeToFirstTokenMs'] as const) {
        if (num(x[k])) extra[k] = x[k];
      }
      const device = optStr(x.device);
      return {
        type: 'stats',
        smallTokens: optNum(x.smallTokens) ?? 0,
        bigTokens: optNum(x.bigTokens) ?? 0,
        offloadFraction: optNum(x.offloadFraction) ?? 0,
        tokensPerSecond: optNum(x.tokensPerSecond) ?? 0,
        costEstimate: optNum(x.costEstimate) ?? 0,
        ...extra,
        ...(device !== undefined ? { device } : {}),
      };
    }
    case 'done':
      if (!oneOf(DONE_REASONS, x.reason)) return null;
      return {
        type: 'done',
        answer: str(x.answer) ? x.answer : null,
        reason: x.reason,
        ...(oneOf(TOKEN_LIMITS, x.limit) ? { limit: x.limit } : {}),
        ...(num(x.limitTokens) ? { limitTokens: x.limitTokens } : {}),
      };
    case 'error':
      return { type: 'error', message: optStr(x.message) ?? 'unknown error', recoverable: x.recoverable === true };
    case 'check': {
      if (!segmentId(x.segment) || !str(x.line) || !oneOf(VERDICTS, x.verdict)) return null;
      const expected = optStr(x.expected);
      const message = optStr(x.message);
      return { type: 'check', segment: x.segment, line: x.line, verdict: x.verdict, ...(expected !== undefined ? { expected } : {}), ...(message !== undefined ? { message } : {}) };
    }
    default:
      return null;
  }
}
