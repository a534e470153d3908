/**
 * Real ONNX models with programmed (not trained) weights, for exact controller tests: a
 * "bigram machine" whose greedy next token depends only on the current token. Attention and
 * MLP weights are zero, embeddings are one-hot, and the head encodes a transition table, so
 * the engine runs a genuine decoder graph whose behaviour is known in advance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testConfig, writeOnnx, type Weights } from '../../src/engine/builder';
import { SPECIAL_TOKENS, byteLevelTokenizerJson, tokenizerConfigJson } from '../../src/engine/builder/tokenizerFiles';
import { tempDir } from './tempModel';

export const OPEN = 256 + SPECIAL_TOKENS.indexOf('<bigmodel>');
export const CLOSE = 256 + SPECIAL_TOKENS.indexOf('</bigmodel>');
export const EOS = 256 + SPECIAL_TOKENS.indexOf('<｜end▁of▁sentence｜>');
export const ch = (s: string) => s.charCodeAt(0);

/** Consecutive characters of `text` as transitions: text[i] → text[i+1]. */
export function chain(text: string, then?: number): [number, number][] {
  const ids = [...text].map(ch);
  const out: [number, number][] = ids.slice(1).map((id, i) => [ids[i], id]);
  if (then !== undefined && ids.length) out.push([ids[ids.length - 1], then]);
  return out;
}

export interface Program {
  /** current token → next token (several next tokens: equally likely, i.e. high entropy) */
  transitions: [number, number | number[]][];
  /** next token for any other current token */
  fallback: number;
  /** drop <bigmodel>/</bigmodel> from the tokenizer, so tags span several byte tokens */
  plainTags?: boolean;
  /**
   * With plainTags: BPE merges of two printable ASCII characters, each a new token at a freed tag id
   * (the first at OPEN, the second at CLOSE), so a tag's text can merge with its neighbours.
   */
  merges?: [string, string][];
  maxPositions?: number;
}

export function buildProgrammedModel(program: Program): string {
  const dir = tempDir('sr-prog-');
  const config = testConfig({
    hidden_size: 272,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    num_key_value_heads: 1,
    head_dim: 8,
    intermediate_size: 8,
    max_position_embeddings: program.maxPositions ?? 4096,
  });
  const V = config.vocab_size;
  const h = config.hidden_size;
  const zeros = (dims: number[]) => ({ dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
  const ones = (n: number) => ({ dims: [n], data: new Float32Array(n).fill(1) });
  const embed = zeros([V, h]);
  for (let t = 0; t < V; t++) embed.data[t * h + t] = 1;
  const head = zeros([V, h]);
  const table = new Map(program.transitions);
  for (let t = 0; t < V; t++) {
    const next = table.get(t) ?? program.fallback;
    for (const n of [next].flat()) head.data[n * h + t] = 1;
  }
  const w: Weights = new Map([
    ['model.embed_tokens.weight', embed],
    ['model.layers.0.input_layernorm.weight', ones(h)],
    ['model.layers.0.self_attn.q_proj.weight', zeros([16, h])],
    ['model.layers.0.self_attn.k_proj.weight', zeros([8, h])],
    ['model.layers.0.self_attn.v_proj.weight', zeros([8, h])],
    ['model.layers.0.self_attn.o_proj.weight', zeros([h, 16])],
    ['model.layers.0.post_attention_layernorm.weight', ones(h)],
    ['model.layers.0.mlp.gate_proj.weight', zeros([8, h])],
    ['model.layers.0.mlp.up_proj.weight', zeros([8, h])],
    ['model.layers.0.mlp.down_proj.weight', zeros([h, 8])],
    ['model.norm.weight', ones(h)],
    ['lm_head.weight', head],
  ]);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const tok = byteLevelTokenizerJson() as { added_tokens: { content: string }[] };
  if (program.plainTags) tok.added_tokens = tok.added_tokens.filter((t) => !t.content.includes('bigmodel'));
  if (program.merges?.length) {
    if (!program.plainTags || program.merges.length > 2) throw new Error('merges need plainTags and take the two freed tag ids');
    const model = (tok as unknown as { model: { vocab: Record<string, number>; merges: string[] } }).model;
    program.merges.forEach(([a, b], i) => {
      model.vocab[a + b] = [OPEN, CLOSE][i];
      model.merges.push(`${a} ${b}`);
    });
  }
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tok));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson()));
  writeOnnx(join(dir, 'onnx', 'model.onnx'), config, w);
  return dir;
}
