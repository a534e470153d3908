/**
 * The engine's in-memory graph with a sliced head (src/engine/onnx/logitsFrom.ts): the rows it
 * returns are the unsliced graph's, for every head the converter and builder write, and a graph
 * whose logits do not come straight from a head product is left alone.
 */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { resolveModelFolder } from '../../src/engine/modelFolder';
import { LOGITS_FROM, withLogitsFrom } from '../../src/engine/onnx/logitsFrom';
import type { Dtype } from '../../src/engine/types';
import { decoderFeeds } from '../../bench/decoderFeeds';
import { convertedToy } from '../convert/toyConversions';
import { addHeadBias } from '../helpers/headBias';
import { maxAbsDiff } from '../helpers/referenceForward';
import { tempModel } from '../helpers/tempModel';

async function compare(dir: string, dtype: Dtype, tolerance: number) {
  const { config, onnxFile } = resolveModelFolder(dir, dtype);
  const sliced = withLogitsFrom(readFileSync(onnxFile));
  assert.ok(sliced, 'no head found');
  const options = { extra: { session: { model_external_initializers_file_folder_path: dirname(onnxFile) } } };
  const plain = await ort.InferenceSession.create(onnxFile);
  const ours = await ort.InferenceSession.create(sliced, options);
  assert.deepEqual(
    ours.inputNames.filter((n) => !plain.inputNames.includes(n)),
    [LOGITS_FROM],
  );
  const feeds = decoderFeeds(config, dtype.endsWith('f16') ? 'float16' : 'float32');
  const ids = [40, 41, 52, 33, 60, 71, 35];
  const V = config.vocab_size;
  const float = (t: ort.OnnxValue) => Float32Array.from(t.data as ArrayLike<number>);
  // a prefill, then a step after its cache
  const prefill = feeds(ids, 0);
  const want = await plain.run(prefill);
  const from = (f: Record<string, ort.Tensor>, at: number) => ({ ...f, [LOGITS_FROM]: new ort.Tensor('int64', BigInt64Array.of(BigInt(at)), [1]) });
  const last = await ours.run(from(prefill, ids.length - 1));
  const all = await ours.run(from(prefill, 0));
  assert.deepEqual(last.logits.dims, [1, 1, V]);
  assert.deepEqual(all.logits.dims, [1, ids.length, V]);
  assert.ok(maxAbsDiff(float(last.logits), float(want.logits).subarray((ids.length - 1) * V)) <= tolerance);
  assert.ok(maxAbsDiff(float(all.logits), float(want.logits)) <= tolerance);
  assert.equal(maxAbsDiff(float(last['present.0.key']), float(want['present.0.key'])), 0);
  const step = await ours.run(from(feeds([50], ids.length, last), 0));
  const stepWant = await plain.run(feeds([50], ids.length, want));
  assert.ok(maxAbsDiff(float(step.logits), float(stepWant.logits)) <= tolerance);
  await plain.release();
  await ours.release();
}

test("builder graphs: the sliced head gives the plain graph's last row, every row from 0, and the same cache", async () => {
  await compare(tempModel({ seed: 3 }).dir, 'fp32', 1e-5);
  // tied head: MatMul(x, Transpose(table))
  await compare(tempModel({ seed: 4, config: { tie_word_embeddings: true } }).dir, 'fp32', 1e-5);
});

test('converted q4 (a MatMulNBits head) and q4f16 (a Cast after it; external data beside the graph)', async () => {
  // one row against many may take another int8 kernel: 1.2e-6 here
  await compare(await convertedToy('toy-big', 'q4', 'F32', { quantizeHead: true }), 'q4', 1e-5);
  // float16 logits: one unit in the last place at magnitude 8–16 is 0.0078
  await compare(await convertedToy('toy-big', 'q4f16', 'F32', { quantizeHead: true }), 'q4f16', 1e-2);
});

test('logits that do not come straight from the head product leave the graph alone', () => {
  const m = tempModel({ seed: 5 });
  addHeadBias(m.dir);
  assert.equal(withLogitsFrom(readFileSync(resolveModelFolder(m.dir, 'fp32').onnxFile)), undefined);
});
