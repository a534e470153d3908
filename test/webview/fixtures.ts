/** Loads the hand-written traces in fixtures/ (one JSON event per line). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceEvent } from '../../src/split/events';

export function loadTrace(name: string): TraceEvent[] {
  const text = readFileSync(join(__dirname, 'fixtures', name), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as TraceEvent;
      } catch (e) {
        throw new Error(`fixtures/${name} line ${i + 1} is not JSON: ${(e as Error).message}`);
      }
    });
}
