/**
 * Every kind of bad input gets one sentence that says what is wrong, and the destination's
 * parent holds nothing afterwards: no output folder, no temp folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertCheckpoint, type ConvertOptions } from '../../src/convert';
import { tempDir } from '../helpers/tempModel';
import { toyWeights, writeHfCheckpoint } from '../helpers/hfCheckpoint';
import { toyCheckpoint, toyDir } from './toyConversions';

/** A copy of a toy checkpoint to damage, and an empty parent for the output. */
function damaged(store: 'F32' | 'BF16', damage: (dir: string) => void): { hf: string; parent: string } {
  const root = tempDir('sr-bad-');
  const hf = join(root, 'hf');
  cpSync(toyCheckpoint('toy-big', store), hf, { recursive: true });
  damage(hf);
  const parent = join(root, 'out');
  mkdirSync(parent);
  return { hf, parent };
}

async function expectSentence(hf: string, parent: string, pattern: RegExp, opts: Partial<ConvertOptions> = {}): Promise<void> {
  await assert.rejects(convertCheckpoint(hf, join(parent, 'model'), { dtype: 'q4', ...opts }), (e: Error) => {
    assert.match(e.message, pattern);
    assert.equal(e.message.split('\n').length, 1, 'one line');
    assert.match(e.message, /[.;]/, 'a sentence');
    return true;
  });
  assert.deepEqual(readdirSync(parent), [], 'nothing left behind');
}

const editJson = (file: string, edit: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  edit(j);
  writeFileSync(file, JSON.stringify(j));
};

test('unknown architecture', async () => {
  const { hf, parent } = damaged('F32', (d) => editJson(join(d, 'config.json'), (j) => (j.model_type = 'gpt2')));
  await expectSentence(hf, parent, /model_type 'gpt2' is not supported; convert writes qwen2 and llama decoders/);
});

test('missing shard', async () => {
  const { hf, parent } = damaged('BF16', (d) => rmSync(join(d, 'model-00002-of-00002.safetensors')));
  await expectSentence(hf, parent, /shard model-00002-of-00002\.safetensors listed in model\.safetensors\.index\.json is missing/);
});

test('shape that contradicts config.json', async () => {
  const { hf, parent } = damaged('F32', (d) => editJson(join(d, 'config.json'), (j) => (j.intermediate_size = 256)));
  await expectSentence(hf, parent, /tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[384, 128\] but config\.json implies \[256, 128\]/);
});

test('unsupported dtype: of the conversion, and of a stored tensor', async () => {
  const a = damaged('F32', () => {});
  await expectSentence(a.hf, a.parent, /dtype 'int8' is not supported; use one of q4, q4f16, fp16, fp32/, { dtype: 'int8' as never });
  // I32 has F32's length, so the header keeps its size and only the dtype is wrong
  const b = damaged('F32', (d) => {
    const f = join(d, 'model.safetensors');
    const buf = readFileSync(f);
    const at = buf.indexOf('"dtype":"F32"');
    buf.write('"dtype":"I32"', at);
    writeFileSync(f, buf);
  });
  await expectSentence(b.hf, b.parent, /is stored as I32; convert reads BF16, F16, F32 checkpoints/);
});

test('a tensor the decoder has no place for (an MLP bias)', async () => {
  const root = tempDir('sr-bad-');
  const weights = toyWeights(join(toyDir('toy-big'), 'onnx', 'model.onnx'));
  weights.set('model.layers.1.mlp.down_proj.bias', { dims: [128], data: new Float32Array(128) });
  const hf = writeHfCheckpoint(toyDir('toy-big'), weights, join(root, 'hf'), { dtype: 'F32' });
  const parent = join(root, 'out');
  mkdirSync(parent);
  await expectSentence(hf, parent, /tensor model\.layers\.1\.mlp\.down_proj\.bias has no place in a qwen2 decoder as convert writes it/);
});

test('truncated safetensors file', async () => {
  const { hf, parent } = damaged('BF16', (d) => {
    const f = join(d, 'model-00001-of-00002.safetensors');
    truncateSync(f, readFileSync(f).length - 1000);
  });
  await expectSentence(
    hf,
    parent,
    /model-00001-of-00002\.safetensors is truncated or not a safetensors file; download it again: tensor \S+ ends at byte \d+ but the file has \d+ bytes/,
  );
});

test('disk full (a 1 MB tmpfs for a 3 MB model)', async (t) => {
  const { hf } = damaged('F32', () => {});
  const mnt = tempDir('sr-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    t.skip('mounting a tmpfs needs root');
    return;
  }
  try {
    await expectSentence(hf, mnt, /the disk is full: \S+ needs about \d+ MB free; free some space and run again/, { dtype: 'fp32' });
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('cancel through the AbortSignal part-way through the weights', async () => {
  const { hf, parent } = damaged('F32', () => {});
  const ac = new AbortController();
  let sawWeights = false;
  await expectSentence(hf, parent, /conversion cancelled; nothing was written/, {
    signal: ac.signal,
    onProgress: (p) => {
      if (p.stage === 'weights' && p.tensorsDone === 5) {
        sawWeights = true;
        ac.abort();
      }
    },
  });
  assert.ok(sawWeights);
});

test('an existing destination is never overwritten', async () => {
  const { hf, parent } = damaged('F32', () => {});
  mkdirSync(join(parent, 'model'));
  writeFileSync(join(parent, 'model', 'keep.txt'), 'mine');
  await assert.rejects(convertCheckpoint(hf, join(parent, 'model'), { dtype: 'q4' }), /already exists; choose a new folder or remove it/);
  assert.deepEqual(readdirSync(parent), ['model']);
  assert.equal(readFileSync(join(parent, 'model', 'keep.txt'), 'utf8'), 'mine');
  assert.ok(!existsSync(join(parent, 'model', 'onnx')));
});
