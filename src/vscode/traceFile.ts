/**
 * Saved traces (.jsonl, one TraceEvent per line; docs/ARCHITECTURE.md §5). Pure (no 'vscode').
 * A trace file may come from anywhere, so every line is checked before the panel sees it.
 */
import type { TraceEvent } from '../split/events';

const REQUIRED: Record<TraceEvent['type'], Record<string, 'string' | 'number' | 'boolean'>> = {
  start: { problem: 'string', smallModel: 'string', bigModel: 'string', device: 'string', policy: 'string' },
  segment: { id: 'number', source: 'string', trigger: 'string' },
  text: { id: 'number', text: 'string' },
  segmentEnd: { id: 'number', tokens: 'number', ms: 'number', reason: 'string' },
  stats: { smallTokens: 'number', bigTokens: 'number', offloadFraction: 'number', tokensPerSecond: 'number', costEstimate: 'number' },
  done: { reason: 'string' },
  error: { message: 'string', recoverable: 'boolean' },
  check: { segment: 'number', line: 'string', verdict: 'string' },
};

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
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected an event object`);
    const ev = value as Record<string, unknown>;
    const fields = REQUIRED[ev.type as TraceEvent['type']];
    if (!fields) throw new Error(`${where}: unknown event type ${JSON.stringify(ev.type)} (expected one of ${Object.keys(REQUIRED).join(', ')})`);
    for (const [k, t] of Object.entries(fields)) {
      if (typeof ev[k] !== t) throw new Error(`${where}: "${ev.type}" event needs ${k} as a ${t}, got ${JSON.stringify(ev[k])}`);
    }
    if (ev.type === 'segment' && ev.source !== 'small' && ev.source !== 'big') throw new Error(`${where}: segment source must be "small" or "big"`);
    if (ev.type === 'done' && ev.answer !== null && typeof ev.answer !== 'string') throw new Error(`${where}: done answer must be a string or null`);
    events.push(ev as unknown as TraceEvent);
  });
  if (events.length === 0) throw new Error(`${source}: no events (is it a SplitReason .jsonl trace?)`);
  return events;
}
