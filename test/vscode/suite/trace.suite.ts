import { describe, it } from 'mocha';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
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

  const write = (name: string, text: string): vscode.Uri => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return vscode.Uri.file(file);
  };
  const good = () => write('good.jsonl', events.map((e) => JSON.stringify(e)).join('\n') + '\n');

  // Each test starts with no panel open (the root hooks in index.ts).
  it('replays a saved .jsonl trace in the panel', async () => {
    const api = await activateExtension();
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', good()), events.length);
    const panels = api.panels();
    assert.equal(panels.length, 1, 'one panel opened');
    assert.deepEqual(panels[0].events, events);
    assert.equal(panels[0].running, false);
  });

  it('refuses a file that is not a trace and leaves the panel as it was', async () => {
    const api = await activateExtension();
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', good()), events.length);
    const before = api.panels();
    assert.equal(before.length, 1);
    const bad = write('bad.jsonl', '{"type":"text","id":1,"text":"ok"}\n<script>alert(1)</script>\n');
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', bad), 0);
    assert.deepEqual(api.panels(), before, 'the panel still shows the good trace and no panel opened');
  });
});
