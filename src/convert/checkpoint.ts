/**
 * A Hugging Face checkpoint folder as the converter sees it: config.json checked against the
 * architectures we can write, and the safetensors tensor directory (single file or shards
 * named by model.safetensors.index.json) read from headers only. Tensor bytes are read later,
 * one tensor at a time, by byte range.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../engine/types';
import { readJsonFile } from '../engine/jsonFile';

export const ARCHITECTURES = ['qwen2', 'llama'] as const;
/** safetensors dtypes the converter reads, and their element sizes. */
export const SOURCE_DTYPES: Record<string, number> = { BF16: 2, F16: 2, F32: 4 };

export interface SourceTensor {
  name: string;
  file: string;
  dtype: string;
  shape: number[];
  /** absolute byte range in `file` */
  start: number;
  end: number;
}

export interface Checkpoint {
  dir: string;
  /** config.json as written, for copying */
  rawConfig: Record<string, unknown>;
  config: ModelConfig;
  tensors: Map<string, SourceTensor>;
}

export class ConvertError extends Error {}

export function readCheckpoint(dir: string): Checkpoint {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ConvertError(`${dir} is not a folder; pass a Hugging Face checkpoint folder (config.json, tokenizer.json, *.safetensors).`);
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) throw new ConvertError(`${dir} has no config.json; pass a Hugging Face checkpoint folder.`);
  const rawConfig = readJson(configFile) as Record<string, unknown>;
  const config = modelConfig(rawConfig, configFile);
  return { dir, rawConfig, config, tensors: readTensorDirectory(dir) };
}

function modelConfig(raw: Record<string, unknown>, file: string): ModelConfig {
  const type = raw.model_type;
  if (!(ARCHITECTURES as readonly unknown[]).includes(type))
    throw new ConvertError(
      `${file}: model_type '${String(type)}' is not supported; ` +
        `convert writes ${ARCHITECTURES.join(' and ')} decoders (Qwen2, Qwen2.5, DeepSeek-R1-Distill, Llama).`,
    );
  for (const key of ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size', 'intermediate_size']) {
    const v = raw[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new ConvertError(`${file}: "${key}" must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  const heads = raw.num_attention_heads as number;
  const config = {
    max_position_embeddings: 32768,
    rope_theta: 10000,
    ...raw,
    num_key_value_heads: (raw.num_key_value_heads as number | undefined) ?? heads,
    head_dim: (raw.head_dim as number | undefined) ?? (raw.hidden_size as number) / heads,
  } as ModelConfig;
  if (!Number.isInteger(config.head_dim) || config.head_dim % 2)
    throw new ConvertError(`${file}: head_dim ${config.head_dim} must be an even integer (hidden_size / num_attention_heads or "head_dim").`);
  return config;
}

function readTensorDirectory(dir: string): Map<string, SourceTensor> {
  const single = join(dir, 'model.safetensors');
  const indexFile = join(dir, 'model.safetensors.index.json');
  let files: string[];
  if (existsSync(indexFile)) {
    const index = readJson(indexFile) as { weight_map?: Record<string, string> };
    if (!index.weight_map || typeof index.weight_map !== 'object') throw new ConvertError(`${indexFile} has no "weight_map"; the index file is damaged.`);
    files = [...new Set(Object.values(index.weight_map))];
    for (const f of files) {
      if (!existsSync(join(dir, f)))
        throw new ConvertError(`shard ${f} listed in model.safetensors.index.json is missing from ${dir}; download it and run again.`);
    }
  } else if (existsSync(single)) {
    files = ['model.safetensors'];
  } else {
    throw new ConvertError(`${dir} has neither model.safetensors nor model.safetensors.index.json; convert reads safetensors checkpoints.`);
  }
  const tensors = new Map<string, SourceTensor>();
  for (const f of files) for (const t of readHeader(join(dir, f))) tensors.set(t.name, t);
  return tensors;
}

/** Reads one file's header (the first 8 + n bytes) and checks every byte range against the file size. */
function readHeader(file: string): SourceTensor[] {
  const size = statSync(file).size;
  const truncated = `${file} is truncated or not a safetensors file; download it again`;
  if (size < 8) throw new ConvertError(`${truncated}.`);
  const buf = readRange(file, 0, 8);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen <= 0 || 8 + headerLen > size) throw new ConvertError(`${truncated} (its header says ${headerLen} bytes).`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(readRange(file, 8, headerLen).toString('utf8'));
  } catch {
    throw new ConvertError(`${truncated} (its header is not JSON).`);
  }
  const base = 8 + headerLen;
  const out: SourceTensor[] = [];
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = e.data_offsets;
    if (base + end > size) throw new ConvertError(`${truncated}: tensor ${name} ends at byte ${base + end} but the file has ${size} bytes.`);
    out.push({ name, file, dtype: e.dtype, shape: e.shape, start: base + start, end: base + end });
  }
  return out;
}

function readRange(file: string, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, length, position);
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** The tensor, checked against the shape config.json implies and against the dtypes we read. */
export function sourceTensor(ckpt: Checkpoint, name: string, dims: number[]): SourceTensor {
  const t = ckpt.tensors.get(name);
  if (!t)
    throw new ConvertError(
      `the checkpoint has no tensor ${name}, which a ${ckpt.config.model_type} model with this config.json needs; is a shard missing from the index?`,
    );
  if (t.shape.join('x') !== dims.join('x'))
    throw new ConvertError(
      `tensor ${name} has shape [${t.shape.join(', ')}] but config.json implies [${dims.join(', ')}]; the config.json does not belong to these weights.`,
    );
  const size = SOURCE_DTYPES[t.dtype];
  if (!size)
    throw new ConvertError(
      `tensor ${name} is stored as ${t.dtype}; convert reads ${Object.keys(SOURCE_DTYPES).join(', ')} checkpoints (export the model in one of those).`,
    );
  if (t.end - t.start !== size * dims.reduce((a, b) => a * b, 1))
    throw new ConvertError(`tensor ${name} in ${t.file} has ${t.end - t.start} bytes, not what its shape needs; the file is damaged, download it again.`);
  return t;
}

/** The tensor's raw bytes, read from its byte range only. */
export async function readTensorBytes(t: SourceTensor): Promise<Buffer> {
  const fh = await open(t.file, 'r');
  try {
    const length = t.end - t.start;
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, t.start + done);
      if (bytesRead === 0) throw new ConvertError(`${t.file} is truncated: tensor ${t.name} could not be read to its end; download it again.`);
      done += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

const readJson = (file: string) => readJsonFile(file, undefined, ConvertError);
