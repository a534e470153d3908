import { describe, it, before, after } from 'mocha';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SolveOutcome } from '../../../src/vscode/solveRunner';
import { buildModelFolder } from '../../../src/engine/builder';
import { writeHfCheckpoint } from '../../helpers/hfCheckpoint';
import { startHubServer, type HubServer } from '../hubServer';
import { activateExtension, configure } from './helpers';
import { smallAlone } from '../scenarios';

/** A tiny Qwen2 checkpoint as the hub publishes one: bf16 safetensors in two shards with an index. */
function tinyCheckpoint(seed: number): string {
  const m = buildModelFolder(mkdtempSync(join(tmpdir(), 'sr-ckpt-src-')), { seed, qkvBias: true });
  return writeHfCheckpoint(m.dir, m.weights, join(mkdtempSync(join(tmpdir(), 'sr-ckpt-')), 'tiny-qwen2'), { dtype: 'BF16', shards: 2 });
}

async function solvesWith(smallModel: string): Promise<void> {
  const restore = await configure(smallAlone(smallModel, 8));
  try {
    const outcome = await vscode.commands.executeCommand<SolveOutcome>('splitreason.solve', { problem: 'What is 1 + 1?', ifRunning: 'stop' });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
  } finally {
    await restore();
  }
}

describe('Import Hugging Face Model (conversion in a child process of the extension host)', () => {
  it('converts a checkpoint folder to q4, sets it as the small model, and it solves', async () => {
    await activateExtension();
    const folder = tinyCheckpoint(11);
    const restore = await configure({ smallModel: undefined });
    try {
      const dir = await vscode.commands.executeCommand<string | undefined>('splitreason.importModel', { folder, dtype: 'q4', role: 'small' });
      assert.ok(dir, 'the command returns the converted folder');
      assert.ok(existsSync(join(dir, 'onnx/model_q4.onnx')) && existsSync(join(dir, 'onnx/model_q4.onnx_data')), `${dir} holds the q4 model`);
      assert.ok(dir.includes('splitreason.splitreason'), `${dir} is in the extension's global storage`);
      assert.equal(vscode.workspace.getConfiguration('splitreason').get('smallModel'), dir);
      await solvesWith(dir);
    } finally {
      await restore();
    }
  });

  it('sets an imported model as the local large model', async () => {
    const folder = tinyCheckpoint(12);
    const restore = await configure({ 'largeModel.provider': undefined, 'largeModel.model': undefined });
    try {
      const dir = await vscode.commands.executeCommand<string | undefined>('splitreason.importModel', { folder, dtype: 'fp16', role: 'big' });
      assert.ok(dir && existsSync(join(dir, 'onnx/model_fp16.onnx')));
      const c = vscode.workspace.getConfiguration('splitreason');
      assert.equal(c.get('largeModel.provider'), 'local');
      assert.equal(c.get('largeModel.model'), dir);
    } finally {
      await restore();
    }
  });

  it('refuses a folder without config.json and converts nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sr-not-ckpt-'));
    const dir = await vscode.commands.executeCommand<string | undefined>('splitreason.importModel', { folder: empty, dtype: 'q4', role: 'small' });
    assert.equal(dir, undefined);
  });
});

// The paper's GRPO checkpoint as the catalog lists it, served by a local hub.
const CATALOG = JSON.parse(readFileSync(join(__dirname, '../../../models/catalog.json'), 'utf8')) as {
  models: { id: string; repo?: string; revision?: string; format?: string; policy?: string }[];
};
const GRPO = CATALOG.models.find((m) => m.format === 'safetensors' && m.policy === 'learned')!;

describe('Download Model: a safetensors checkpoint is downloaded, then converted here', () => {
  let hub: HubServer;
  before(async () => {
    hub = await startHubServer(GRPO.repo!, GRPO.revision!, tinyCheckpoint(13));
    hub.linkedHeaders = true;
  });
  after(() => hub.close());

  it('installs the converted q4 model and it solves', async () => {
    await activateExtension();
    const restore = await configure({ modelHubUrl: hub.url, device: 'cpu' });
    let dir: string | undefined;
    try {
      dir = await vscode.commands.executeCommand<string | undefined>('splitreason.downloadModel', GRPO.id);
    } finally {
      await restore();
    }
    assert.ok(dir, 'the command returns the installed folder');
    assert.ok(existsSync(join(dir, 'onnx/model_q4.onnx')), 'converted to q4 for the CPU');
    assert.ok(!existsSync(join(dir, 'model-00001-of-00002.safetensors')), 'the installed folder holds the converted model, not the checkpoint');
    assert.ok(
      hub.requests.some((r) => r.path.endsWith('/model-00002-of-00002.safetensors')),
      'the shards the index names were downloaded',
    );
    await solvesWith(GRPO.id);
  });
});
