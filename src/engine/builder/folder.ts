/** Writes complete model folders (docs/ARCHITECTURE.md §2) from a config and weights. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelConfig } from '../types';
import { buildQwen2Onnx, type BuildOptions } from './qwen2';
import { randomWeights } from './random';
import { readSafetensors, type Weights } from './safetensors';
import { BYTE_LEVEL_VOCAB, SPECIAL_TOKENS, byteLevelTokenizerJson, tokenizerConfigJson } from './tokenizerFiles';

export function testConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    model_type: 'qwen2',
    hidden_size: 64,
    intermediate_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 16,
    vocab_size: BYTE_LEVEL_VOCAB,
    max_position_embeddings: 4096,
    rope_theta: 10000,
    rms_norm_eps: 1e-6,
    tie_word_embeddings: false,
    bos_token_id: 256 + SPECIAL_TOKENS.indexOf('<｜begin▁of▁sentence｜>'),
    eos_token_id: 256 + SPECIAL_TOKENS.indexOf('<｜end▁of▁sentence｜>'),
    ...overrides,
  };
}

/** Writes onnx/<file> for the given weights; returns the model path. */
export function writeOnnx(outFile: string, config: ModelConfig, weights: Weights, opts: BuildOptions = {}): string {
  mkdirSync(dirname(outFile), { recursive: true });
  const built = buildQwen2Onnx(config, weights, opts);
  writeFileSync(outFile, built.model);
  if (built.externalData && opts.externalData) writeFileSync(join(dirname(outFile), opts.externalData), built.externalData);
  return outFile;
}

export interface TestFolderOptions extends BuildOptions {
  config?: Partial<ModelConfig>;
  seed?: number;
  qkvBias?: boolean;
  /** onnx file name; default model.onnx */
  onnxFile?: string;
}

/** A complete, loadable model folder with seeded random weights and a byte-level tokenizer. */
export function buildModelFolder(dir: string, opts: TestFolderOptions = {}): { dir: string; config: ModelConfig; weights: Weights } {
  const config = testConfig(opts.config);
  const weights = randomWeights(config, opts.seed ?? 1, { qkvBias: opts.qkvBias });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['Qwen2ForCausalLM'], torch_dtype: 'float32', ...config }, null, 2));
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id }, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(byteLevelTokenizerJson()));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(), null, 2));
  writeOnnx(join(dir, 'onnx', opts.onnxFile ?? 'model.onnx'), config, weights, opts);
  return { dir, config, weights };
}

/** The `build-onnx` path: a trained checkpoint's config.json + safetensors → ONNX. */
export function buildOnnxFromCheckpoint(configFile: string, weightsFile: string, outFile: string, opts: BuildOptions = {}): string {
  const raw = JSON.parse(readFileSync(configFile, 'utf8')) as ModelConfig;
  const config: ModelConfig = { ...raw, head_dim: raw.head_dim ?? raw.hidden_size / raw.num_attention_heads };
  return writeOnnx(outFile, config, readSafetensors(weightsFile), { ...opts, externalData: opts.externalData ?? undefined });
}
