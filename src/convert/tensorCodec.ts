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

/** [rows, cols] → [cols, rows] (torch Linear [out, in] → MatMul's [in, out]). */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) t[c * rows + r] = w[base + c];
  }
  return t;
}

export function toHalf(w: Float32Array): Uint16Array {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = floatToHalf(w[i]);
  return out;
}

export function bytesOf(a: Float32Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
