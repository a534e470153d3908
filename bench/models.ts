/** Builder models for the benchmarks: a small one and a mid-size one (12 layers, hidden 768). */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelFolder } from '../src/engine/builder';
import type { ModelConfig } from '../src/engine/types';

export const BENCH_MODELS: Record<string, Partial<ModelConfig>> = {
  small: { hidden_size: 256, intermediate_size: 768, num_hidden_layers: 4, num_attention_heads: 8, num_key_value_heads: 2, head_dim: 32, vocab_size: 32768 },
  mid: { hidden_size: 768, intermediate_size: 2048, num_hidden_layers: 12, num_attention_heads: 12, num_key_value_heads: 4, head_dim: 64, vocab_size: 32768 },
};

/** Builds once per machine into the temp dir (the mid model is ~0.6 GB of fp32 weights). */
export function benchModel(name: keyof typeof BENCH_MODELS): string {
  const dir = join(tmpdir(), `splitreason-bench-${name}-v1`);
  if (!existsSync(join(dir, 'onnx', 'model.onnx'))) buildModelFolder(dir, { config: BENCH_MODELS[name], seed: 1 });
  return dir;
}
