/**
 * `npx tsx test/helpers/exportToyCheckpoints.ts OUT_DIR`: the committed toy pair as Hugging Face
 * checkpoints, for trying `splitreason convert` by hand (the tests write their own):
 * OUT_DIR/toy-small-hf (F32, one file) and OUT_DIR/toy-big-hf (BF16, two shards + index).
 */
import { join } from 'node:path';
import { toyWeights, writeHfCheckpoint } from './hfCheckpoint';

const ROOT = join(__dirname, '..', '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: npx tsx test/helpers/exportToyCheckpoints.ts OUT_DIR');
  process.exit(2);
}
for (const [name, opts] of [
  ['toy-small', { dtype: 'F32' }],
  ['toy-big', { dtype: 'BF16', shards: 2 }],
] as const) {
  const dir = join(ROOT, 'models', name);
  console.log(writeHfCheckpoint(dir, toyWeights(join(dir, 'onnx', 'model.onnx')), join(out, `${name}-hf`), opts));
}
