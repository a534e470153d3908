/**
 * convert's fused option (ConvertOptions.fused, `--fused` / `--no-fused`): the same checkpoint
 * converted both ways gives the same logits, and a fused q4 folder decodes the same greedy
 * tokens in the engine and in transformers.js.
 *
 * Tolerances: fp32 files differ only in the order of float additions inside the fused kernels
 * (1e-4, as test/engine/fusedGraph.test.ts). q4 files share their int4 weights, but MatMulNBits
 * at accuracy_level 4 rounds its inputs to int8 per block, so the last-bit differences of the
 * fused norms can move an activation across a rounding boundary: judged by top-1 agreement
 * at every position and a max |diff| well under the logits' spread.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { convertCheckpoint, type ConvertDtype, type FusedOps } from '../../src/convert';
import { maxAbsDiff } from '../helpers/referenceForward';
import { tempDir } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';
import { engineGenerated, peerGreedy } from '../helpers/transformersPeer';
import { allLogits, fixture, toyCheckpoint, topIds } from './toyConversions';

const open: { dispose(): Promise<unknown> }[] = [];
after(async () => {
  for (const m of open) await m.dispose();
});
const work = tempDir('sr-fused-');

const converted = new Map<string, Promise<string>>();
function convertOnce(dtype: ConvertDtype, fused: FusedOps | false): Promise<string> {
  const key = `${dtype}-${fused || 'plain'}`;
  let p = converted.get(key);
  if (!p) {
    p = convertCheckpoint(toyCheckpoint('toy-small'), join(work, key), { dtype, fused, quantizeHead: true }).then((r) => r.outDir);
    converted.set(key, p);
  }
  return p;
}
const bothWays = async (dtype: ConvertDtype, which: FusedOps = 'all') => ({ plain: await convertOnce(dtype, false), fused: await convertOnce(dtype, which) });

for (const [dtype, which] of [
  ['fp32', 'all'],
  ['q4', 'all'],
  ['q4f16', 'all'],
  ['q4', 'norms-rotary'],
] as const) {
  test(`${dtype}: the fused (${which}) conversion gives the plain conversion's logits`, async (t) => {
    const dirs = await bothWays(dtype, which);
    const onnx = (dir: string) => readFileSync(join(dir, 'onnx', dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`)).toString('latin1');
    assert.ok(onnx(dirs.fused).includes('RotaryEmbedding') && !onnx(dirs.plain).includes('RotaryEmbedding'));
    assert.equal(onnx(dirs.fused).includes('GroupQueryAttention'), which === 'all');
    const plain = await loadTestModel(dirs.plain, { dtype });
    const fused = await loadTestModel(dirs.fused, { dtype });
    open.push(plain, fused);
    const vocab = plain.config.vocab_size;
    for (const { ids } of fixture('toy-small').logits) {
      const [a, b] = [await allLogits(plain, ids), await allLogits(fused, ids)];
      const d = maxAbsDiff(a, b);
      const spread = Math.max(...a) - Math.min(...a);
      t.diagnostic(`${ids.length} tokens: max |diff| ${d.toExponential(1)} (logit spread ${spread.toFixed(1)})`);
      if (dtype === 'fp32') assert.ok(d < 1e-4, `max |diff| ${d}`);
      else {
        assert.ok(d < spread / 20, `max |diff| ${d} against a spread of ${spread}`);
        assert.deepEqual(topIds(b, vocab), topIds(a, vocab));
      }
    }
  });
}

test('a fused q4 conversion decodes the same greedy tokens in the engine and in transformers.js', async () => {
  const { fused: dir } = await bothWays('q4');
  const model = await loadTestModel(dir, { dtype: 'q4' });
  open.push(model);
  const prompt = fixture('toy-small').greedy[0].promptIds;
  const peerTokens = await peerGreedy(dir, 'q4', prompt, 40);
  assert.equal(peerTokens.length, 40);
  assert.deepEqual(await engineGenerated(model, prompt, 40), peerTokens);
});

test('the CLI takes --fused MODE or --no-fused, not both; by default q4 is fused norms-rotary and fp32 plain', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'convert', ...args], { encoding: 'utf8' });
  const both = cli(['a', 'b', '--fused', 'all', '--no-fused']);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /give --fused or --no-fused, not both/);
  const bad = cli(['a', 'b', '--fused', 'everything']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--fused must be one of all, norms-rotary, got 'everything'/);
  const out = join(work, 'cli-no-fused');
  const r = cli([toyCheckpoint('toy-small'), out, '--dtype', 'q4', '--no-fused']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(
    !readFileSync(join(out, 'onnx', 'model_q4.onnx'))
      .toString('latin1')
      .includes('GroupQueryAttention'),
  );
  // the default: q4 fused norms and rotary (fusedByDefault), fp32 standard operators only
  const byDefault = (dtype: string) => {
    const dir = join(work, `cli-default-${dtype}`);
    assert.equal(cli([toyCheckpoint('toy-small'), dir, '--dtype', dtype]).status, 0);
    return readFileSync(join(dir, 'onnx', dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`)).toString('latin1');
  };
  const q4 = byDefault('q4');
  assert.ok(q4.includes('RotaryEmbedding') && !q4.includes('GroupQueryAttention'));
  assert.ok(!byDefault('fp32').includes('RotaryEmbedding'));
  const fusedOut = join(work, 'cli-fused');
  assert.equal(cli([toyCheckpoint('toy-small'), fusedOut, '--dtype', 'q4', '--fused', 'all']).status, 0);
  assert.ok(
    readFileSync(join(fusedOut, 'onnx', 'model_q4.onnx'))
      .toString('latin1')
      .includes('GroupQueryAttention'),
  );
});
