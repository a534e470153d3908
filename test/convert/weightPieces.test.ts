/**
 * The converter writes each large weight a band of rows at a time. Matrices big enough to take
 * several bands (the toy models fit in one) must come out exactly as converting them whole:
 * every byte of every output written once, in the right place.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizeQ4 } from '../../src/convert/quantize';
import { quantizedPieces, rowsPerPiece, storeMatrix, type WeightPiece } from '../../src/convert/tensorCodec';
import { halfToFloat } from '../../src/engine/tensorMath';

/** Lays the pieces out in outputs of the given sizes, failing on overlaps, overruns and gaps. */
function assemble(pieces: Iterable<WeightPiece>, sizes: number[]): Uint8Array[] {
  const outs = sizes.map((n) => new Uint8Array(n));
  const spans: [number, number][][] = sizes.map(() => []);
  for (const { output, at, data } of pieces) {
    outs[output].set(data, at); // throws past the end
    spans[output].push([at, at + data.byteLength]);
  }
  spans.forEach((list, o) => {
    list.sort((x, y) => x[0] - y[0]);
    let end = 0;
    for (const [from, to] of list) {
      assert.equal(from, end, `output ${o}: ${from < end ? 'bytes written twice' : 'bytes never written'} at ${Math.min(from, end)}`);
      end = to;
    }
    assert.equal(end, sizes[o], `output ${o} ends at ${end}, not ${sizes[o]}`);
  });
  return outs;
}

// 6,000 × 1,500: several bands whatever the output type (16 MB of output a band)
const ROWS = 6000;
const COLS = 1500;
/** Values a bf16 holds exactly, so every expected value below is exact. */
const value = (r: number, c: number) => ((r * 7 + c * 13) % 509) / 8 - 31;

function sourceBytes(dtype: 'F32' | 'BF16'): Uint8Array {
  const f = new Float32Array(ROWS * COLS);
  for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) f[r * COLS + c] = value(r, c);
  if (dtype === 'F32') return new Uint8Array(f.buffer);
  const bits = new Uint32Array(f.buffer);
  const b = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) b[i] = bits[i] >>> 16;
  return new Uint8Array(b.buffer);
}

test('a matrix of several bands comes out whole: as stored and transposed, float32 and float16, from F32 and BF16', () => {
  assert.ok(rowsPerPiece(COLS, 2) < ROWS, 'the test matrix takes more than one band');
  for (const dtype of ['F32', 'BF16'] as const) {
    const bytes = sourceBytes(dtype);
    for (const transpose of [false, true]) {
      for (const half of [false, true]) {
        const [out] = assemble(storeMatrix(bytes, dtype, ROWS, COLS, { transpose, half }), [ROWS * COLS * (half ? 2 : 4)]);
        const read = half ? (i: number) => halfToFloat(new Uint16Array(out.buffer)[i]) : (i: number) => new Float32Array(out.buffer)[i];
        for (const [r, c] of [
          [0, 0],
          [0, COLS - 1],
          [ROWS - 1, 0],
          [ROWS - 1, COLS - 1],
          [1234, 777],
          [5999, 3],
          [rowsPerPiece(COLS, 4), 1],
        ]) {
          const at = transpose ? c * ROWS + r : r * COLS + c;
          assert.equal(read(at), value(r, c), `${dtype} transpose=${transpose} half=${half}: element (${r}, ${c})`);
        }
      }
    }
  }
});

test('int4 weights quantized a band at a time equal the whole matrix quantized at once (symmetric and not, float32 and float16 scales)', () => {
  const bytes = sourceBytes('F32');
  const blocks = Math.ceil(COLS / 32);
  for (const symmetric of [true, false]) {
    const whole = quantizeQ4(new Float32Array(bytes.buffer), ROWS, COLS, 32, symmetric);
    assert.equal(whole.zeroPoints === undefined, symmetric, 'zero points exactly when asymmetric');
    for (const half of [false, true]) {
      const sizes = [whole.packed.byteLength, ROWS * blocks * (half ? 2 : 4)];
      if (whole.zeroPoints) sizes.push(whole.zeroPoints.byteLength);
      const [packed, scales, zeroPoints] = assemble(quantizedPieces(bytes, 'F32', ROWS, COLS, { blockSize: 32, half, symmetric }), sizes);
      assert.deepEqual(packed, whole.packed);
      assert.deepEqual(zeroPoints, whole.zeroPoints);
      if (!half) assert.deepEqual(new Float32Array(scales.buffer), whole.scales);
      else {
        const h = new Uint16Array(scales.buffer);
        for (let i = 0; i < whole.scales.length; i += 997) {
          assert.ok(Math.abs(halfToFloat(h[i]) - whole.scales[i]) <= Math.abs(whole.scales[i]) * 1e-3, `scale ${i}`);
        }
      }
    }
  }
});
