/**
 * What is known about each segment: who wrote it and, once it ended, how it went. Blocks only
 * carry segment ids, so a hover or a late `segmentEnd` always reads the current state here.
 */
import type { SegmentEndEvent, SegmentSource, StartEvent, Trigger } from '../../src/split/events';
import { shortModelName } from './modelName';

export interface SegmentInfo {
  id: number;
  source: SegmentSource;
  trigger: Trigger;
  /** Set by `segmentEnd`; undefined while the segment is being written. */
  end?: SegmentEndEvent;
}

export class SegmentTable {
  private readonly byId = new Map<number, SegmentInfo>();

  begin(id: number, source: SegmentSource, trigger: Trigger): void {
    this.byId.set(id, { id, source, trigger });
  }

  /** Returns the segment, or undefined for an id no `segment` event announced. */
  finish(end: SegmentEndEvent): SegmentInfo | undefined {
    const info = this.byId.get(end.id);
    if (info) info.end = end;
    return info;
  }

  get(id: number): SegmentInfo | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
  }
}

export const isFailed = (s: SegmentInfo | undefined): boolean => s?.end?.reason === 'failed';
export const isOffloaded = (s: SegmentInfo | undefined): boolean => s?.source === 'big';

/** The lines of a segment's hover card. */
export function describeSegment(s: SegmentInfo, start: StartEvent | null): string[] {
  const full = s.end?.model || (s.source === 'big' ? start?.bigModel : start?.smallModel) || '';
  const model = full ? shortModelName(full) : s.source === 'big' ? 'large model' : 'local model';
  const lines: string[] = [];
  if (s.source === 'big') {
    lines.push(isFailed(s) ? `Offload to ${model} failed` : `Offloaded to ${model}`);
  } else {
    lines.push(`Local model ${model}`);
  }
  if (full && full !== model) lines.push(full);
  lines.push(`Trigger: ${s.trigger}`);
  if (s.end) {
    lines.push(`${s.end.tokens} tokens in ${formatMs(s.end.ms)}`);
    lines.push(`Ended: ${s.end.reason}`);
    if (s.end.error) lines.push(`Error: ${s.end.error}`);
  } else {
    lines.push('Still writing…');
  }
  return lines;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
