/** Source tensor bytes (safetensors BF16/F16/F32) → the layouts the ONNX file stores. */
import { floatToHalf, halfToFloat } from '../engine/tensorMath';
import { q4Shapes, quantizeQ4 } from './quantize';

let halfTable: Float32Array | undefined;

/** Decodes little-endian BF16, F16 or F32 bytes into float32. */
export function decode(bytes: Uint8Array, dtype: string): Float32Array {
  // Buffers from the pool may sit at odd offsets; typed views need aligned ones.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  if (dtype === 'F32') return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  const h = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  const out = new Float32Array(h.length);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
    return out;
  }
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  for (let i = 0; i < h.length; i++) out[i] = halfTable[h[i]];
  return out;
}

/** Bytes for one output of a weight job, `at` bytes into that output's place in the data file. */
export interface WeightPiece {
  output: number;
  at: number;
  data: Uint8Array;
}

/** About this many bytes of output per piece (a transposed matrix writes one piece per column of its rows). */
const PIECE_BYTES = 16 << 20;

/** Source rows per piece for a [rows, cols] matrix producing `outBytes` bytes per element. */
export function rowsPerPiece(cols: number, outBytes: number): number {
  return Math.max(1, Math.floor(PIECE_BYTES / (cols * outBytes)));
}

/**
 * A [rows, cols] source matrix stored as float32 or float16, optionally transposed to
 * [cols, rows] (torch Linear [out, in] → MatMul's [in, out]), a band of rows at a time: the
 * whole converted tensor never sits in memory, which keeps the converter's peak memory to
 * about the source tensor's bytes.
 */
export function* storeMatrix(
  bytes: Uint8Array,
  dtype: string,
  rows: number,
  cols: number,
  opts: { transpose: boolean; half: boolean },
): Generator<WeightPiece> {
  const outBytes = opts.half ? 2 : 4;
  const band = rowsPerPiece(cols, outBytes);
  const elem = SOURCE_SIZE[dtype];
  for (let r0 = 0; r0 < rows; r0 += band) {
    const r1 = Math.min(rows, r0 + band);
    const n = r1 - r0;
    const w = decode(bytes.subarray(r0 * cols * elem, r1 * cols * elem), dtype);
    if (!opts.transpose) {
      yield { output: 0, at: r0 * cols * outBytes, data: bytesOf(opts.half ? toHalf(w) : w) };
      continue;
    }
    const out = opts.half ? new Uint16Array(n * cols) : new Float32Array(n * cols);
    // the band's columns, each a run of n values in output row c
    for (let r = 0; r < n; r++) {
      const base = r * cols;
      if (opts.half) for (let c = 0; c < cols; c++) out[c * n + r] = floatToHalf(w[base + c]);
      else for (let c = 0; c < cols; c++) out[c * n + r] = w[base + c];
    }
    for (let c = 0; c < cols; c++) yield { output: 0, at: (c * rows + r0) * outBytes, data: bytesOf(out.subarray(c * n, (c + 1) * n)) };
  }
}

/** Bytes per element of each safetensors dtype the converter reads. */
export const SOURCE_SIZE: Record<string, number> = { BF16: 2, F16: 2, F32: 4 };

export function toHalf(w: Float32Array): Uint16Array {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = floatToHalf(w[i]);
  return out;
}

export function bytesOf(a: Float32Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** MatMulNBits' weights, scales and (asymmetric only) zero points, a band of rows at a time (each row's blocks are quantized on their own). */
export function* quantizedPieces(
  bytes: Uint8Array,
  dtype: string,
  n: number,
  k: number,
  opts: { blockSize: number; half: boolean; symmetric: boolean },
): Generator<WeightPiece> {
  const { blockSize, half, symmetric } = opts;
  const { blocks } = q4Shapes(n, k, blockSize);
  const scaleBytes = half ? 2 : 4;
  const band = rowsPerPiece(k, 4); // the band's float32 copy is the largest buffer
  const elem = SOURCE_SIZE[dtype];
  for (let r0 = 0; r0 < n; r0 += band) {
    const r1 = Math.min(n, r0 + band);
    const q = quantizeQ4(decode(bytes.subarray(r0 * k * elem, r1 * k * elem), dtype), r1 - r0, k, blockSize, symmetric);
    yield { output: 0, at: r0 * blocks * (blockSize / 2), data: q.packed };
    yield { output: 1, at: r0 * blocks * scaleBytes, data: bytesOf(half ? toHalf(q.scales) : q.scales) };
    if (q.zeroPoints) yield { output: 2, at: r0 * Math.ceil(blocks / 2), data: q.zeroPoints };
  }
}
