/**
 * Loads the hand-written traces in test/fixtures/traces/ (one JSON event per line) as they are:
 * not checked, so a test can feed the webview's own check what a file holds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceEvent } from '../../src/split/events';

export function loadTrace(name: string): TraceEvent[] {
  return traceLines(readFileSync(join(__dirname, '../fixtures/traces', name), 'utf8'), name);
}

/** The events of a fixture's text (in-host suites import a fixture's text through esbuild's text loader). */
export function traceLines(text: string, name: string): TraceEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as TraceEvent;
      } catch (e) {
        throw new Error(`test/fixtures/traces/${name} line ${i + 1} is not JSON: ${(e as Error).message}`);
      }
    });
}
