/**
 * Writes the 1.5B-shaped checkpoint and converts it (bench/engine15b.ts), nothing else: the GPU
 * check runs this in the background on the lent machine's spare cores while the tests use the GPU.
 * Usage: node --import tsx tools/gpu/convert15b.ts DTYPE...   (each with an int4 head)
 */
import { converted15b } from '../../bench/engine15b';
import { CONVERT_DTYPES, type ConvertDtype } from '../../src/convert';

(async () => {
  for (const d of process.argv.slice(2)) {
    if (!(CONVERT_DTYPES as readonly string[]).includes(d)) throw new Error(`${d}: use one of ${CONVERT_DTYPES.join(', ')}`);
    const t0 = Date.now();
    console.log(`ready: ${await converted15b(d as ConvertDtype, true, (s) => console.log(s))} after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
