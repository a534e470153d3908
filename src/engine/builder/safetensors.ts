/**
 * safetensors: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw data. F32, F16 and BF16 are read into float32.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { halfToFloat } from '../tensorMath';

export interface WeightTensor {
  dims: number[];
  data: Float32Array;
}
export type Weights = Map<string, WeightTensor>;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function readSafetensors(file: string): Weights {
  const buf = readFileSync(file);
  if (buf.length < 8) throw new Error(`${file}: not a safetensors file (only ${buf.length} bytes)`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen <= 0 || 8 + headerLen > buf.length) throw new Error(`${file}: not a safetensors file (bad header length ${headerLen})`);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  } catch (e) {
    throw new Error(`${file}: safetensors header is not JSON (${(e as Error).message})`);
  }
  const base = 8 + headerLen;
  const weights: Weights = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      shape,
      data_offsets: [start, end],
    } = entry as HeaderEntry;
    if (base + end > buf.length) throw new Error(`${file}: tensor ${name} runs past the end of the file (truncated?)`);
    const bytes = buf.subarray(base + start, base + end);
    weights.set(name, { dims: shape, data: toFloat32(bytes, dtype, `${file}: ${name}`) });
  }
  return weights;
}

function toFloat32(bytes: Buffer, dtype: string, where: string): Float32Array {
  const copy = new Uint8Array(bytes); // aligned copy
  switch (dtype) {
    case 'F32':
      return new Float32Array(copy.buffer);
    case 'F16': {
      const h = new Uint16Array(copy.buffer);
      const out = new Float32Array(h.length);
      for (let i = 0; i < h.length; i++) out[i] = halfToFloat(h[i]);
      return out;
    }
    case 'BF16': {
      const h = new Uint16Array(copy.buffer);
      const bits = new Uint32Array(h.length);
      for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
      return new Float32Array(bits.buffer);
    }
    default:
      throw new Error(`${where}: dtype ${dtype} is not supported (F32, F16, BF16 are)`);
  }
}

export function writeSafetensors(file: string, weights: Weights): void {
  const header: Record<string, HeaderEntry> = {};
  let offset = 0;
  for (const [name, t] of weights) {
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keeps the data 8-byte aligned
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const parts: Buffer[] = [head, Buffer.from(json)];
  for (const t of weights.values()) parts.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  writeFileSync(file, Buffer.concat(parts));
}
