import { describe, it } from 'mocha';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isDeepStrictEqual } from 'node:util';
import type { TraceEvent } from '../../../src/split/events';
import { activateExtension } from './helpers';

const events: TraceEvent[] = [
  { type: 'start', problem: 'What is 6 × 7?', smallModel: 'toy-small', bigModel: 'toy-big', device: 'cpu', policy: 'learned', time: 0 },
  { type: 'segment', id: 1, source: 'small', trigger: 'start' },
  { type: 'text', id: 1, text: 'Multiply: ' },
  { type: 'segmentEnd', id: 1, tokens: 3, ms: 4, reason: 'offload' },
  { type: 'segment', id: 2, source: 'big', trigger: 'learned' },
  { type: 'text', id: 2, text: '$6 \\times 7 = 42$' },
  { type: 'segmentEnd', id: 2, tokens: 8, ms: 30, reason: 'handback', model: 'toy-big' },
  { type: 'done', answer: '42', reason: 'eos' },
];

describe('Open Trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sr-trace-'));

  it('replays a saved .jsonl trace in the panel', async () => {
    const api = await activateExtension();
    const file = join(dir, 'good.jsonl');
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', vscode.Uri.file(file)), events.length);
    // Which panel is "active" follows focus events that arrive asynchronously: look at all of them.
    const showing = api.panels().filter((p) => isDeepStrictEqual(p.events, events));
    assert.equal(showing.length, 1, JSON.stringify(api.panels().map((p) => p.events.length)));
  });

  it('refuses a file that is not a trace and leaves the panel as it was', async () => {
    const api = await activateExtension();
    const before = api.panels();
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"type":"text","id":1,"text":"ok"}\n<script>alert(1)</script>\n');
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', vscode.Uri.file(file)), 0);
    assert.deepEqual(api.panels(), before);
  });
});
