/**
 * The state of one trace, fed event by event: segments, the block stream, stats, the outcome.
 * Pure (no DOM): the view asks it what changed since the last frame and renders only that.
 */
import type { CheckEvent, DoneEvent, ErrorEvent, StartEvent, StatsEvent, TraceEvent } from '../../src/split/events';
import { BlockStream } from './blockStream';
import { parseTraceEvent } from '../../src/split/traceEvent';
import { SegmentTable } from './segments';

/** Which kinds of segment the trace holds: the legend explains only those. */
export interface SegmentKinds {
  small: boolean;
  big: boolean;
  failed: boolean;
}

export interface Changes {
  start: boolean;
  /** A kind of segment appeared for the first time. */
  kinds: boolean;
  stats: boolean;
  /** Segments that ended since the last frame (their look may change: failed, no longer pending). */
  ended: number[];
  done: boolean;
  errors: ErrorEvent[];
  /** CAS verdicts on equation lines that arrived since the last frame. */
  checks: CheckEvent[];
}

const noChanges = (): Changes => ({ start: false, kinds: false, stats: false, ended: [], done: false, errors: [], checks: [] });

export class TraceModel {
  segments = new SegmentTable();
  stream = new BlockStream();
  problem = '';
  start: StartEvent | null = null;
  stats: StatsEvent | null = null;
  done: DoneEvent | null = null;
  errors: ErrorEvent[] = [];
  checks: CheckEvent[] = [];
  /** Every text event concatenated, markers included: the source for Copy and Insert. */
  rawText = '';
  /** Token counts from `segmentEnd`, for traces without `stats` events. */
  endedTokens = { small: 0, big: 0 };
  /** Events that were not valid trace events and were skipped. */
  ignored = 0;
  eventCount = 0;
  kinds: SegmentKinds = { small: false, big: false, failed: false };
  private changes = noChanges();

  constructor(problem = '') {
    this.problem = problem;
    this.changes.start = true;
  }

  /** Applies untrusted events in order; invalid ones are counted in `ignored` and skipped. */
  apply(events: readonly unknown[]): void {
    for (const raw of events) {
      const e = parseTraceEvent(raw).event;
      if (e) this.applyOne(e);
      else this.ignored++;
    }
  }

  takeChanges(): Changes {
    const c = this.changes;
    this.changes = noChanges();
    return c;
  }

  private sawKind(kind: keyof SegmentKinds): void {
    if (this.kinds[kind]) return;
    this.kinds[kind] = true;
    this.changes.kinds = true;
  }

  private applyOne(e: TraceEvent): void {
    this.eventCount++;
    switch (e.type) {
      case 'start':
        this.start = e;
        if (e.problem) this.problem = e.problem;
        this.changes.start = true;
        break;
      case 'segment':
        this.segments.begin(e.id, e.source, e.trigger);
        this.sawKind(e.source);
        this.stream.mark(e.id);
        break;
      case 'text':
        this.rawText += e.text;
        this.stream.push(e.id, e.text);
        break;
      case 'segmentEnd': {
        const info = this.segments.finish(e);
        if (info) {
          if (e.reason === 'failed') this.sawKind('failed');
          this.endedTokens[info.source] += e.tokens;
          this.changes.ended.push(e.id);
          if (!this.stats) this.changes.stats = true;
        }
        break;
      }
      case 'stats':
        this.stats = e;
        this.changes.stats = true;
        break;
      case 'done':
        this.done = e;
        this.stream.end();
        this.changes.done = true;
        break;
      case 'error':
        this.errors.push(e);
        this.changes.errors.push(e);
        break;
      case 'check':
        this.checks.push(e);
        this.changes.checks.push(e);
        break;
    }
  }
}
