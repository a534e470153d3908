/**
 * Hugging Face checkpoints of the committed toy models, written at test time: the weights are
 * the ONNX file's initializers (the builder named them with Hugging Face names and stored
 * Linear weights transposed to [in, out]; here they go back to torch's [out, in]). Reading the
 * committed ONNX keeps torch out of the test run; tools/toy trains the same weights in torch.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Weights } from '../../src/engine/builder';

/** Float32 initializers of an ONNX file (inline raw_data only, as the builder writes them). */
export function onnxInitializers(file: string): Map<string, { dims: number[]; data: Float32Array }> {
  const buf = readFileSync(file);
  const out = new Map<string, { dims: number[]; data: Float32Array }>();
  const graph = fields(buf, 0, buf.length).find((f) => f.field === 7)!;
  for (const init of fields(buf, graph.start, graph.end).filter((f) => f.field === 5)) {
    let name = '';
    let type = 0;
    const dims: number[] = [];
    let raw: Buffer | undefined;
    for (const f of fields(buf, init.start, init.end)) {
      if (f.field === 1) dims.push(f.value!);
      else if (f.field === 2) type = f.value!;
      else if (f.field === 8) name = buf.subarray(f.start, f.end).toString('utf8');
      else if (f.field === 9) raw = buf.subarray(f.start, f.end);
    }
    if (type === 1 && raw) out.set(name, { dims, data: new Float32Array(new Uint8Array(raw).buffer) });
  }
  return out;
}

interface Field {
  field: number;
  value?: number;
  start: number;
  end: number;
}

function fields(buf: Buffer, start: number, end: number): Field[] {
  const out: Field[] = [];
  let at = start;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[at++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (at < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ field, value: varint(), start: at, end: at });
    else if (wire === 2) {
      const len = varint();
      out.push({ field, start: at, end: at + len });
      at += len;
    } else if (wire === 5) at += 4;
    else if (wire === 1) at += 8;
    else throw new Error(`protobuf wire type ${wire} not handled`);
  }
  return out;
}

/** The builder's initializers → Hugging Face tensors (Linear weights back to [out, in]). */
export function toyWeights(onnxFile: string): Weights {
  const w: Weights = new Map();
  for (const [name, t] of onnxInitializers(onnxFile)) {
    if (!/^(model\.|lm_head\.)/.test(name)) continue; // graph constants (inv_freq, scalars)
    const linear = name.endsWith('_proj.weight') || name === 'lm_head.weight';
    if (!linear) {
      w.set(name, t);
      continue;
    }
    const [inn, out] = t.dims;
    const back = new Float32Array(t.data.length);
    for (let i = 0; i < inn; i++) for (let o = 0; o < out; o++) back[o * inn + i] = t.data[i * out + o];
    w.set(name, { dims: [out, inn], data: back });
  }
  return w;
}

export type StoreDtype = 'F32' | 'BF16' | 'F16';

/** float32 → bf16 bits, rounded to nearest even (what torch's .to(bfloat16) does). */
export function toBf16Bits(v: Float32Array): Uint16Array {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (u[i] + 0x7fff + ((u[i] >>> 16) & 1)) >>> 16;
  return out;
}

/** The weights as bf16 would store them, back in float32 (the reference for a bf16 checkpoint). */
export function bf16Rounded(w: Weights): Weights {
  const out: Weights = new Map();
  for (const [name, t] of w) {
    const bits = toBf16Bits(t.data);
    const f = new Uint32Array(bits.length);
    for (let i = 0; i < bits.length; i++) f[i] = bits[i] << 16;
    out.set(name, { dims: t.dims, data: new Float32Array(f.buffer) });
  }
  return out;
}

function safetensorsBytes(entries: [string, { dims: number[]; data: Float32Array }][], dtype: StoreDtype): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = dtype === 'F32' ? new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) : new Uint8Array(toBf16Bits(t.data).buffer);
    header[name] = { dtype, shape: t.dims, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...blobs]);
}

export interface ExportOptions {
  dtype: 'F32' | 'BF16';
  /** 1: model.safetensors; more: model-0000i-of-0000n.safetensors + model.safetensors.index.json */
  shards?: number;
  /** config.json fields to change (e.g. model_type) */
  config?: Record<string, unknown>;
}

/** Writes a Hugging Face checkpoint folder from a model folder's config/tokenizer and `weights`. */
export function writeHfCheckpoint(modelDir: string, weights: Weights, outDir: string, opts: ExportOptions): string {
  mkdirSync(outDir, { recursive: true });
  const config = {
    ...JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')),
    torch_dtype: opts.dtype === 'BF16' ? 'bfloat16' : 'float32',
    ...opts.config,
  };
  writeFileSync(join(outDir, 'config.json'), JSON.stringify(config, null, 2));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'splitreason.json'])
    if (existsSync(join(modelDir, f))) copyFileSync(join(modelDir, f), join(outDir, f));
  const entries = [...weights];
  const shards = opts.shards ?? 1;
  if (shards === 1) {
    writeFileSync(join(outDir, 'model.safetensors'), safetensorsBytes(entries, opts.dtype));
    return outDir;
  }
  const per = Math.ceil(entries.length / shards);
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < shards; s++) {
    const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = entries.slice(s * per, (s + 1) * per);
    for (const [name] of part) weightMap[name] = file;
    writeFileSync(join(outDir, file), safetensorsBytes(part, opts.dtype));
  }
  writeFileSync(join(outDir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2));
  return outDir;
}
