/** Source tensor bytes (safetensors BF16/F16/F32) → the layouts the ONNX file stores. */
import { floatToHalf, halfToFloat } from '../engine/tensorMath';

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

/**
 * A [rows, cols] source matrix stored as float32 or float16, optionally transposed to
 * [cols, rows] (torch Linear [out, in] → MatMul's [in, out]), in one pass: no float32 copy
 * of the whole tensor besides the output, which keeps the converter's peak memory low.
 */
export function storeMatrix(bytes: Uint8Array, dtype: string, rows: number, cols: number, opts: { transpose: boolean; half: boolean }): Uint8Array {
  const n = rows * cols;
  const out = opts.half ? new Uint16Array(n) : new Float32Array(n);
  const rowChunk = Math.max(1, Math.floor((1 << 20) / cols));
  const elem = SOURCE_SIZE[dtype];
  for (let r0 = 0; r0 < rows; r0 += rowChunk) {
    const r1 = Math.min(rows, r0 + rowChunk);
    const w = decode(bytes.subarray(r0 * cols * elem, r1 * cols * elem), dtype); // a few MB at a time
    for (let r = r0; r < r1; r++) {
      const base = (r - r0) * cols;
      if (opts.transpose) {
        if (opts.half) for (let c = 0; c < cols; c++) out[c * rows + r] = floatToHalf(w[base + c]);
        else for (let c = 0; c < cols; c++) out[c * rows + r] = w[base + c];
      } else if (opts.half) for (let c = 0; c < cols; c++) out[r * cols + c] = floatToHalf(w[base + c]);
      else out.set(w.subarray(base, base + cols), r * cols);
    }
  }
  return bytesOf(out);
}

const SOURCE_SIZE: Record<string, number> = { BF16: 2, F16: 2, F32: 4 };

export function toHalf(w: Float32Array): Uint16Array {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = floatToHalf(w[i]);
  return out;
}

export function bytesOf(a: Float32Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
