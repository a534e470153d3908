/** Finds and checks the files of a model folder (docs/ARCHITECTURE.md §2) before any session is made. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dtype, ModelConfig } from './types';
import { readJsonFile as readJson } from './jsonFile';

export interface ModelFolder {
  dir: string;
  config: ModelConfig;
  onnxFile: string;
  /** eos ids from config.json and generation_config.json */
  eosIds: number[];
  /** splitreason.json as read (the split layer parses it), when the folder has one */
  splitreason?: { file: string; raw: unknown };
}

const REQUIRED: (keyof ModelConfig)[] = ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size'];

export function onnxFileName(dtype: Dtype = 'fp32'): string {
  return dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`;
}

export function resolveModelFolder(dir: string, dtype: Dtype = 'fp32'): ModelFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`model folder ${dir} does not exist (expected config.json, tokenizer.json and onnx/model*.onnx inside)`);
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) throw new Error(`${dir}: no config.json — not a model folder (see docs/ARCHITECTURE.md §2)`);
  const raw = readJson(configFile) as Partial<ModelConfig>;
  for (const key of REQUIRED) {
    if (typeof raw[key] !== 'number' || !((raw[key] as number) > 0))
      throw new Error(`${configFile}: "${key}" must be a positive number, got ${JSON.stringify(raw[key])}`);
  }
  const heads = raw.num_attention_heads!;
  const config: ModelConfig = {
    model_type: raw.model_type ?? 'unknown',
    max_position_embeddings: 32768,
    rope_theta: 10000,
    ...raw,
    num_key_value_heads: raw.num_key_value_heads ?? heads,
    head_dim: raw.head_dim ?? raw.hidden_size! / heads,
  } as ModelConfig;

  const onnxDir = join(dir, 'onnx');
  const onnxFile = join(onnxDir, onnxFileName(dtype));
  if (!existsSync(onnxFile)) {
    const have = existsSync(onnxDir) ? readdirSync(onnxDir).filter((f) => f.endsWith('.onnx')) : [];
    throw new Error(
      `${dir}: no ${join('onnx', onnxFileName(dtype))} for dtype '${dtype}'` +
        (have.length ? `; this folder has ${have.join(', ')} — pick the matching dtype` : '; the folder has no onnx/*.onnx files'),
    );
  }
  const gen = readGenerationConfig(dir).values;
  const eosIds = [config.eos_token_id, gen.eos_token_id].flat().filter((x): x is number => typeof x === 'number');
  return { dir, config, onnxFile, eosIds, splitreason: readSplitreasonJson(dir) };
}

/**
 * A folder's generation_config.json (Hugging Face's generate() defaults: eos ids, sampling) as
 * read, {} when it has none; `file` names it for messages.
 */
export function readGenerationConfig(dir: string, advice?: string): { file: string; values: Record<string, unknown> } {
  const file = join(dir, 'generation_config.json');
  if (!existsSync(file)) return { file, values: {} };
  const values = readJson(file, advice);
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new Error(`${file}: expected a JSON object${advice ? `; ${advice}` : ''}`);
  return { file, values: values as Record<string, unknown> };
}

/** A folder's splitreason.json as JSON (the split layer gives it meaning), or undefined when there is none. */
export function readSplitreasonJson(dir: string): { file: string; raw: unknown } | undefined {
  const file = join(dir, 'splitreason.json');
  return existsSync(file) ? { file, raw: readJson(file) } : undefined;
}
