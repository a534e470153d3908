/**
 * Trace events (docs/ARCHITECTURE.md §5): the one schema that the controller emits and the webview,
 * notebook renderer, CLI and eval consume. Every event is plain JSON so a saved `.jsonl`
 * trace replays identically everywhere.
 */
import type { Verdict } from '../math/verdict';

/** Who wrote a segment. */
export const SEGMENT_SOURCES = ['small', 'big'] as const;
export type SegmentSource = (typeof SEGMENT_SOURCES)[number];

/** What made the controller hand a segment to the large model (or start a small one). */
export const TRIGGERS = ['start', 'learned', 'entropy', 'cue', 'random', 'verify', 'always', 'handback', 'cap', 'failed'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** How a solve ended. */
export const DONE_REASONS = ['eos', 'max-tokens', 'timeout', 'cancelled', 'error'] as const;
export type DoneReason = (typeof DONE_REASONS)[number];

/**
 * Why a segment ended: 'offload' (a small segment ended because an offload started), 'handback'
 * (a big segment ended where the small model would close the tag), 'cap' (a big segment hit the
 * per-segment token cap), 'big-eos' (the large model stopped on its own), 'failed' (the large model
 * failed after retries; the small model continues), or the solve's own end reason.
 */
export const SEGMENT_END_REASONS = ['offload', 'handback', 'cap', 'big-eos', 'failed', ...DONE_REASONS] as const;
export type SegmentEndReason = (typeof SEGMENT_END_REASONS)[number];

export interface StartEvent {
  type: 'start';
  problem: string;
  smallModel: string;
  bigModel: string;
  device: string;
  policy: string;
  time: number; // epoch ms
}
export interface SegmentEvent {
  type: 'segment';
  id: number;
  source: SegmentSource;
  trigger: Trigger;
}
export interface TextEvent {
  type: 'text';
  id: number;
  text: string;
}
export interface SegmentEndEvent {
  type: 'segmentEnd';
  id: number;
  tokens: number;
  ms: number;
  reason: SegmentEndReason;
  /** Set when reason is 'failed': what went wrong with the large model. */
  error?: string;
  /** Which model wrote the segment (name shown on hover). */
  model?: string;
}
export interface StatsEvent {
  type: 'stats';
  smallTokens: number;
  bigTokens: number;
  offloadFraction: number;
  tokensPerSecond: number;
  smallTokensPerSecond?: number;
  bigTokensPerSecond?: number;
  timeToFirstTokenMs?: number;
  costEstimate: number;
  device?: string;
}
/** Which limit a 'max-tokens' solve reached: the solve's token budget, or the model's context. */
export const TOKEN_LIMITS = ['budget', 'context'] as const;
export type TokenLimit = (typeof TOKEN_LIMITS)[number];

export interface DoneEvent {
  type: 'done';
  answer: string | null;
  reason: DoneReason;
  /** With reason 'max-tokens', when known: which limit, and its size in tokens. */
  limit?: TokenLimit;
  limitTokens?: number;
}
export interface ErrorEvent {
  type: 'error';
  message: string;
  recoverable: boolean;
}

/** The CAS checker's verdict on one completed equation line of the trace (src/split/checkEvents.ts). */
export interface CheckEvent {
  type: 'check';
  /** The segment that wrote the line's first false part, else the one that completed the line. */
  segment: number;
  /** The line as written, tags removed. */
  line: string;
  verdict: Verdict;
  /** What the CAS expected, when the verdict is incorrect. */
  expected?: string;
  message?: string;
}

export type TraceEvent = StartEvent | SegmentEvent | TextEvent | SegmentEndEvent | StatsEvent | DoneEvent | ErrorEvent | CheckEvent;

/** The content of the last `\boxed{…}` in a text, braces balanced; null when there is none. */
export function extractBoxed(text: string): string | null {
  const key = '\\boxed{';
  const at = text.lastIndexOf(key);
  if (at < 0) return null;
  let depth = 1;
  for (let i = at + key.length; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(at + key.length, i).trim();
  }
  return null;
}
