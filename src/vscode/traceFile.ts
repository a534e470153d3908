/**
 * Saved traces (.jsonl, one TraceEvent per line; docs/ARCHITECTURE.md §5). Pure (no 'vscode').
 * A trace file may come from anywhere, so every line is checked before the panel sees it.
 */
import type { TraceEvent } from '../split/events';
import { parseTraceEvent } from '../split/traceEvent';

export function serializeTrace(events: readonly TraceEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}

export function parseTrace(text: string, source = 'trace'): TraceEvent[] {
  const events: TraceEvent[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}, line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${where}: not JSON (${(e as Error).message}); a trace has one event object per line`);
    }
    const parsed = parseTraceEvent(value);
    if (parsed.error !== undefined) throw new Error(`${where}: ${parsed.error}`);
    events.push(parsed.event);
  });
  if (events.length === 0) throw new Error(`${source}: no events (is it a SplitReason .jsonl trace?)`);
  return events;
}
