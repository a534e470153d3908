/**
 * The bytes a decoded token reads, as the 1.5B benchmark divides them by the memory bandwidth:
 * an embedding table that is only gathered from is not read whole, but a table a tied head also
 * multiplies by is.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { onnxWeights } from '../../bench/onnxWeights';
import { convertedToy } from '../convert/toyConversions';

// toy-small: vocabulary 384, hidden 128, head tied to the table; toy-big: its own head
const VOCAB = 384;
const HIDDEN = 128;
const BLOCKS = HIDDEN / 32;
const FLOAT_TABLE = VOCAB * HIDDEN * 4;
const INT4_TABLE = VOCAB * (HIDDEN / 2) + VOCAB * BLOCKS * 4; // codes, float32 scales

const weights = async (name: 'toy-small' | 'toy-big', opts: { quantizeHead: true; quantizeEmbedding?: true }) =>
  onnxWeights(join(await convertedToy(name, 'q4', 'F32', opts), 'onnx', 'model_q4.onnx'));

test('a float table that is only gathered from is left out of the bytes a token reads', async () => {
  const w = await weights('toy-small', { quantizeHead: true });
  assert.deepEqual(w.gathered, { 'model.embed_tokens.weight': FLOAT_TABLE });
  assert.equal(w.perTokenBytes, w.totalBytes - FLOAT_TABLE);
});

test('an int4 table is left out when only gathered from, and counted when a tied head reads it too', async () => {
  const untied = await weights('toy-big', { quantizeHead: true, quantizeEmbedding: true });
  assert.deepEqual(untied.gathered, {
    'model.embed_tokens.weight_Q4': VOCAB * (HIDDEN / 2),
    'model.embed_tokens.weight_scales': VOCAB * BLOCKS * 4,
  });
  assert.equal(untied.perTokenBytes, untied.totalBytes - INT4_TABLE);
  const tied = await weights('toy-small', { quantizeHead: true, quantizeEmbedding: true });
  assert.deepEqual(tied.gathered, {});
  assert.equal(tied.perTokenBytes, tied.totalBytes);
  assert.equal(tied.ops['com.microsoft.GatherBlockQuantized'], 1);
});
