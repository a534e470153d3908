/**
 * The toy pair exported as Hugging Face checkpoints and converted back by `convertCheckpoint`:
 * fp32 reproduces the committed ONNX models, bf16 shards reproduce a bf16-rounded build, and
 * the quantized dtypes keep the fp32 model's top-1 token over whole evaluation traces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildModelFolder, writeOnnx } from '../../src/engine/builder';
import type { ModelConfig } from '../../src/engine/types';
import type { LocalModel } from '../../src/engine';
import { maxAbsDiff } from '../helpers/referenceForward';
import { bf16Rounded, toyWeights } from '../helpers/hfCheckpoint';
import { tempDir } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';
import { TOYS, allLogits, convertedToy, fixture, splitTraces, toyDir, topIds, traces, type Toy } from './toyConversions';

const open: LocalModel[] = [];
const load = async (dir: string, dtype: 'fp32' | 'fp16' | 'q4' | 'q4f16' = 'fp32') => {
  const m = await loadTestModel(dir, { dtype, threads: 1 });
  open.push(m);
  return m;
};
after(async () => {
  for (const m of open) await m.dispose();
});

for (const name of TOYS) {
  describe(name, () => {
    test("fp32 conversion of the F32 checkpoint gives the committed model's logits within 1e-4 on the fixture prompts", async (t) => {
      const ours = await load(await convertedToy(name, 'fp32'));
      const committed = await load(toyDir(name));
      let worst = 0;
      for (const c of fixture(name).logits) {
        const d = maxAbsDiff(await allLogits(ours, c.ids), await allLogits(committed, c.ids));
        assert.ok(d <= 1e-4, `max |diff| ${d}`);
        worst = Math.max(worst, d);
      }
      t.diagnostic(`${name}: max |diff| ${worst.toExponential(2)}`);
    });

    test('fp32 conversion of the BF16 checkpoint in two shards matches the builder on bf16-rounded weights within 1e-4', async (t) => {
      const config = JSON.parse(readFileSync(join(toyDir(name), 'config.json'), 'utf8')) as ModelConfig;
      const reference = tempDir('sr-bf16-ref-');
      const rounded = bf16Rounded(toyWeights(join(toyDir(name), 'onnx', 'model.onnx')));
      // buildModelFolder writes its own tokenizer; only the logits are compared here
      buildModelFolder(reference, { config, seed: 1 });
      writeOnnx(join(reference, 'onnx', 'model.onnx'), config, rounded);
      const ours = await load(await convertedToy(name, 'fp32', 'BF16'));
      const ref = await load(reference);
      const unrounded = await load(toyDir(name));
      const ids = fixture(name).logits[0].ids;
      const got = await allLogits(ours, ids);
      const d = maxAbsDiff(got, await allLogits(ref, ids));
      assert.ok(d <= 1e-4, `max |diff| ${d}`);
      // and bf16 rounding did change the model, so the comparison is not against itself
      const moved = maxAbsDiff(got, await allLogits(unrounded, ids));
      assert.ok(moved > 1e-3, `bf16 rounding moved the logits by only ${moved}`);
      t.diagnostic(`${name}: vs bf16 reference ${d.toExponential(2)}, vs fp32 original ${moved.toExponential(2)}`);
    });
  });
}

/**
 * Positions of a trace that predict the model's own text: after the prompt (whose next token
 * is a random digit of the problem) and outside <bigmodel> spans, where the large model writes
 * and the small model was trained with no target (TRAINING.md).
 */
function answerPositions(ids: number[], promptLength: number, open: number, close: number): number[] {
  const out: number[] = [];
  let inside = false;
  for (let i = 0; i < ids.length - 1; i++) {
    if (ids[i] === open) inside = true;
    else if (ids[i] === close) inside = false;
    if (i >= promptLength - 1 && !inside) out.push(i);
  }
  return out;
}

// the extension converts with an int4 head (src/models/convertChild.ts): it must keep the top-1 too;
// int4 is symmetric unless asked (no zero points), and the asymmetric form must keep it as well;
// an int4 embedding table (toy-small's head is tied, so it shares the table)
for (const [dtype, opts] of [
  ['q4', {}],
  ['q4', { quantizeHead: true }],
  ['q4', { symmetric: false }],
  ['q4', { quantizeHead: true, quantizeEmbedding: true }],
  ['q4f16', {}],
  ['q4f16', { quantizeHead: true, quantizeEmbedding: true }],
  ['fp16', {}],
] as const) {
  const int4 = ['quantizeEmbedding' in opts && 'embedding', 'quantizeHead' in opts && 'head'].filter(Boolean).join(' and ');
  const variant = `${dtype}${int4 ? ` with an int4 ${int4}` : ''}${'symmetric' in opts ? ' with zero points' : ''}`;
  test(`${variant}: top-1 agreement with fp32 ≥ 99 % over ≥ 1,000 answer positions of toy evaluation traces`, async (t) => {
    let agree = 0;
    let total = 0;
    const notes: string[] = [];
    for (const name of TOYS as readonly Toy[]) {
      const ref = await load(await convertedToy(name, 'fp32'));
      const quant = await load(await convertedToy(name, dtype, 'F32', opts), dtype);
      const vocab = ref.config.vocab_size;
      const [open, close] = ['<bigmodel>', '</bigmodel>'].map((tag) => ref.tokenizer.encode(tag)[0]);
      let a = 0;
      let n = 0;
      let aInside = 0;
      let nInside = 0;
      const evalTraces = name === 'toy-small' ? await splitTraces(ref, await convertedToy('toy-big', 'fp32'), 10) : await traces(name, ref, 6);
      for (const { ids, promptLength } of evalTraces) {
        const want = topIds(await allLogits(ref, ids), vocab);
        const got = topIds(await allLogits(quant, ids), vocab);
        const answer = new Set(answerPositions(ids, promptLength, open, close));
        for (let i = promptLength - 1; i < ids.length - 1; i++) {
          const same = want[i] === got[i] ? 1 : 0;
          if (answer.has(i)) {
            a += same;
            n++;
          } else {
            aInside += same;
            nInside++;
          }
        }
      }
      notes.push(`${name} ${a}/${n} (inside tags, not counted: ${aInside}/${nInside})`);
      agree += a;
      total += n;
    }
    t.diagnostic(`${variant}: ${notes.join(', ')} → ${((100 * agree) / total).toFixed(2)} %`);
    assert.ok(total >= 1000, `only ${total} positions`);
    assert.ok(agree / total >= 0.99, `top-1 agreement ${agree}/${total}`);
  });
}
