import { describe, it } from 'mocha';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';
import { traceLines } from '../../helpers/traces';
import offloadTrace from '../../fixtures/traces/offload.jsonl';

const events = traceLines(offloadTrace, 'offload.jsonl');

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
