/**
 * int4 block quantization, read back the way MatMulNBits defines it: w = (q - zp) · scale, with
 * zp = 8 when the weight has no zero points.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizeQ4, type Q4Weight } from '../../src/convert/quantize';

function dequantize(q: Q4Weight, n: number, k: number, blockSize: number): Float32Array {
  const blocks = Math.ceil(k / blockSize);
  const nibble = (bytes: Uint8Array, i: number) => (i & 1 ? bytes[i >> 1] >> 4 : bytes[i >> 1] & 15);
  const out = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      const b = Math.floor(c / blockSize);
      const zp = q.zeroPoints ? nibble(q.zeroPoints, r * Math.ceil(blocks / 2) * 2 + b) : 8;
      const code = nibble(q.packed, (r * blocks + b) * blockSize + (c % blockSize));
      out[r * k + c] = (code - zp) * q.scales[r * blocks + b];
    }
  }
  return out;
}

/** A seeded normal sample (Box–Muller over a linear congruential generator). */
function normals(count: number, seed: number): Float32Array {
  let s = seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

const squaredError = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + (v - b[i]) ** 2, 0);

test('symmetric codes reproduce a block on their grid exactly, whichever sign its largest value has', () => {
  const grid = Float32Array.from({ length: 32 }, (_, i) => 0.25 * ((i % 16) - 8)); // -2 … 1.75
  for (const w of [grid, grid.map((v) => -v)]) {
    const q = quantizeQ4(w, 1, 32, 32, true);
    assert.equal(q.zeroPoints, undefined);
    assert.deepEqual(dequantize(q, 1, 32, 32), w);
  }
});

test('zero stays exact: an all-zero block and the padding past K decode to 0, symmetric or not', () => {
  for (const symmetric of [true, false]) {
    const w = new Float32Array(2 * 40);
    w.set(normals(40, 7), 40); // row 0 zero, row 1 random; K = 40 pads the second block by 24
    const q = quantizeQ4(w, 2, 40, 32, symmetric);
    const back = dequantize(q, 2, 40, 32);
    assert.deepEqual(back.subarray(0, 40), new Float32Array(40), `symmetric=${symmetric}: the zero row`);
    const blocks = 2;
    const nibble = (i: number) => (i & 1 ? q.packed[i >> 1] >> 4 : q.packed[i >> 1] & 15);
    const zp = q.zeroPoints ? q.zeroPoints[1] >> 4 : 8; // row 1, block 1
    for (let j = 40 - 32; j < 32; j++) assert.equal(nibble((1 * blocks + 1) * 32 + j), zp, `symmetric=${symmetric}: padding code ${j}`);
  }
});

test('on normal weights the symmetric scales beat plain round-to-nearest with scale max|w| / 7', () => {
  const n = 64;
  const k = 256;
  const w = normals(n * k, 42);
  const ours = squaredError(dequantize(quantizeQ4(w, n, k, 32, true), n, k, 32), w);
  const plain = new Float32Array(w.length);
  for (let b = 0; b < w.length; b += 32) {
    const block = w.subarray(b, b + 32);
    const scale = block.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 7;
    block.forEach((v, i) => (plain[b + i] = Math.max(-8, Math.min(7, Math.round(v / scale))) * scale));
  }
  const baseline = squaredError(plain, w);
  assert.ok(ours < baseline * 0.85, `squared error ${ours.toFixed(1)} against plain rounding's ${baseline.toFixed(1)}`);
  const rms = Math.sqrt(ours / w.length);
  assert.ok(rms < 0.1, `RMS error ${rms.toFixed(3)} of unit-variance weights`);
});

test('blocks that lean to one side fit better with zero points', () => {
  const w = normals(16 * 64, 3).map((v) => 1.5 + 0.25 * v); // mostly in [1, 2]
  const sym = squaredError(dequantize(quantizeQ4(w, 16, 64, 32, true), 16, 64, 32), w);
  const asym = squaredError(dequantize(quantizeQ4(w, 16, 64, 32, false), 16, 64, 32), w);
  assert.ok(asym < sym / 2, `asymmetric ${asym.toExponential(2)} against symmetric ${sym.toExponential(2)}`);
});
