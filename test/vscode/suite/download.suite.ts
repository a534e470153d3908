import { describe, it, before, after } from 'mocha';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SolveOutcome } from '../../../src/vscode/solveRunner';
import { buildModelFolder } from '../../../src/engine/builder';
import { startHubServer, type HubServer } from '../hubServer';
import { activateExtension, configure } from './helpers';
import { smallAlone } from '../scenarios';

// The catalog's real hub entry, served by a local hub (splitreason.modelHubUrl is for mirrors).
const CATALOG = JSON.parse(readFileSync(join(__dirname, '../../../models/catalog.json'), 'utf8')) as {
  models: { id: string; kind: string; repo?: string; revision?: string; files?: { path: string }[] }[];
};
const ENTRY = CATALOG.models.find((m) => m.kind === 'hub')!;

describe('Download Model (local hub on 127.0.0.1)', () => {
  let hub: HubServer;
  let source: string;
  before(async () => {
    // A builder model laid out as the entry lists it (its ONNX under the entry's file name).
    source = buildModelFolder(mkdtempSync(join(tmpdir(), 'sr-hub-')), { seed: 5 }).dir;
    const onnx = ENTRY.files!.find((f) => f.path.startsWith('onnx/'))!.path;
    mkdirSync(join(source, 'onnx'), { recursive: true });
    renameSync(join(source, 'onnx/model.onnx'), join(source, onnx));
    hub = await startHubServer(ENTRY.repo!, ENTRY.revision!, source);
    hub.linkedHeaders = true;
  });
  after(() => hub.close());

  it('downloads the catalog entry from the configured hub into global storage, and it solves', async () => {
    await activateExtension();
    const restore = await configure({ modelHubUrl: hub.url });
    try {
      const dir = await vscode.commands.executeCommand<string | undefined>('splitreason.downloadModel', ENTRY.id);
      assert.ok(dir, 'the command returns the installed folder');
      for (const f of ENTRY.files!) assert.ok(readFileSync(join(dir, f.path)).equals(readFileSync(join(source, f.path))), `${f.path} arrived intact`);
      assert.ok(hub.requests.length >= ENTRY.files!.length);
      assert.ok(dir.includes('splitreason.splitreason'), `${dir} is in the extension's global storage`);
    } finally {
      await restore();
    }
    const restoreSolve = await configure(smallAlone(ENTRY.id, 10));
    try {
      const outcome = await vscode.commands.executeCommand<SolveOutcome>('splitreason.solve', { problem: 'What is 1 + 1?', ifRunning: 'stop' });
      assert.equal(outcome.status, 'done', JSON.stringify(outcome));
      assert.equal(outcome.status === 'done' && outcome.reason, 'max-tokens');
    } finally {
      await restoreSolve();
    }
  });
});
