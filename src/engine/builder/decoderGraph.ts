/**
 * The Qwen2/Llama decoder as an ONNX graph with exactly the I/O of docs/ARCHITECTURE.md §2: RMSNorm,
 * rotary embeddings (Hugging Face rotate_half convention, optional llama3 frequency scaling),
 * grouped-query attention with a KV cache, SwiGLU, tied or untied head. Activations are
 * float32; where the weights come from (in memory, streamed, quantized) is a WeightSource's
 * business, so the builder and the checkpoint converter share one graph. The norms, rotary and
 * attention come in two spellings with the same I/O and the same numbers: plain ONNX operators
 * (plainLayers.ts) or onnxruntime's fused contrib operators (fusedLayers.ts).
 */
import { ElemType, GraphBuilder, int64Tensor, MS_DOMAIN } from '../onnx/graph';
import type { ModelConfig } from '../types';
import { fusedLayers } from './fusedLayers';
import { plainLayers } from './plainLayers';

/** Hugging Face tensor names of the decoder (torch layouts: Linear weights are [out, in]). */
export interface WeightSource {
  has(name: string): boolean;
  /** x [.., in] → x·Wᵀ [.., out] for the torch Linear weight `name` [out, in]. */
  linear(g: GraphBuilder, x: string, name: string, out: number, inn: number): string;
  /** A float32 tensor (norm weight, bias) of the given dims. */
  vector(g: GraphBuilder, name: string, n: number): string;
  /** Rows of the embedding table `name` [vocab, hidden] for `ids`, as float32. */
  embed(g: GraphBuilder, ids: string, name: string, vocab: number, hidden: number): string;
  /** x·Eᵀ for a head tied to the embedding table `name` [vocab, hidden]. */
  tiedHead(g: GraphBuilder, x: string, name: string, vocab: number, hidden: number): string;
}

export interface GraphOptions {
  /** float16 KV cache I/O (compute stays float32); mirrors the fp16 exports' cache type. */
  kvDtype?: 'float32' | 'float16';
  /** Without a position_ids input, positions are derived from the cache length (some exports do this). */
  positionIds?: boolean;
  /** onnxruntime's fused contrib operators (FusedOps); onnxruntime only. Default: none, standard operators. */
  fused?: FusedOps;
}

/**
 * 'all': the norms (SimplifiedLayerNormalization, com.microsoft SkipSimplifiedLayerNormalization),
 * rotary (RotaryEmbedding) and attention with the cache (GroupQueryAttention; batches must be
 * unpadded or right-padded, as it reads lengths from attention_mask). 'norms-rotary': the same
 * norms and rotary with the plain MatMul/Softmax attention.
 */
export const FUSED_OPS = ['all', 'norms-rotary'] as const;
export type FusedOps = (typeof FUSED_OPS)[number];

/** The opset imports a graph written with these options needs. */
export function decoderOpsets(opts: GraphOptions, quantized = false): Record<string, number> {
  return opts.fused || quantized ? { '': 17, [MS_DOMAIN]: 1 } : { '': 17 };
}

/** What both spellings of the layers get from the decoder: its inputs and the cache I/O. */
export interface DecoderIO {
  attentionMask: string;
  positionIds: string;
  /** int64 scalars: tokens in the mask (past + new), new tokens, tokens already cached (total − seq) */
  total: string;
  seq: string;
  past: string;
  /** layer i's past key or value as float32 */
  pastKV(i: number, kv: 'key' | 'value'): string;
  /** Declares present.i.kv; a float32 producer writes `target`, then calls done() (a Cast to float16 where the cache is half). */
  presentKV(i: number, kv: 'key' | 'value'): { target: string; done(): void };
}

/** The parts of a layer that have a fused spelling. */
export interface LayerOps {
  /** RMSNorm(x)·weight over the last axis */
  norm(x: string, weight: string): string;
  /** The residual add and the next norm: [residual + delta, RMSNorm(residual + delta)·weight] */
  addNorm(residual: string, delta: string, weight: string): [string, string];
  /** Layer i's attention over q [b, s, heads·hd], k and v [b, s, kvHeads·hd] (before rotary), appending to its cache; → [b, s, heads·hd] */
  attention(i: number, q: string, k: string, v: string): string;
}

export function ropeInverseFrequencies(c: ModelConfig): Float32Array {
  const hd = c.head_dim;
  const inv = new Float32Array(hd / 2);
  for (let i = 0; i < hd / 2; i++) inv[i] = 1 / c.rope_theta ** ((2 * i) / hd);
  const s = c.rope_scaling;
  const kind = s?.rope_type ?? s?.type;
  if (!s || kind === undefined || kind === 'default') return inv;
  if (kind !== 'llama3') throw new Error(`rope_scaling type '${kind}' is not supported (default and llama3 are)`);
  // Llama 3.1's rule: long wavelengths slowed by `factor`, short ones kept, a smooth blend between.
  const factor = s.factor ?? 8;
  const low = s.low_freq_factor ?? 1;
  const high = s.high_freq_factor ?? 4;
  const old = s.original_max_position_embeddings ?? 8192;
  for (let i = 0; i < inv.length; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen > old / low) inv[i] = inv[i] / factor;
    else if (wavelen >= old / high) {
      const smooth = (old / wavelen - low) / (high - low);
      inv[i] = (1 - smooth) * (inv[i] / factor) + smooth * inv[i];
    }
  }
  return inv;
}

/** Adds the whole decoder to `g` (inputs, outputs, nodes); weights come from `w`. */
export function addDecoderGraph(g: GraphBuilder, c: ModelConfig, w: WeightSource, opts: GraphOptions = {}): void {
  const hd = c.head_dim;
  const heads = c.num_attention_heads;
  const kvHeads = c.num_key_value_heads;
  if (heads % kvHeads !== 0) throw new Error(`num_attention_heads (${heads}) must be a multiple of num_key_value_heads (${kvHeads})`);
  const kvType = opts.kvDtype === 'float16' ? ElemType.FLOAT16 : ElemType.FLOAT;
  const ints = (hint: string, v: number[]) => g.constant(hint, int64Tensor([v.length], v));
  const optionalBias = (name: string, n: number) => (w.has(name) ? w.vector(g, name, n) : undefined);

  const inputIds = g.input('input_ids', ElemType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', ElemType.INT64, ['batch_size', 'total_sequence_length']);
  g.output('logits', ElemType.FLOAT, ['batch_size', 'sequence_length', c.vocab_size]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    for (const kv of ['key', 'value']) g.input(`past_key_values.${i}.${kv}`, kvType, ['batch_size', kvHeads, 'past_sequence_length', hd]);
  }

  const total = g.op('Gather', [g.op('Shape', [attentionMask]), g.constant('idx1', int64Tensor([], [1]))], { axis: 0 });
  const seq = g.op('Gather', [g.op('Shape', [inputIds]), g.constant('idx1b', int64Tensor([], [1]))], { axis: 0 });
  const past = g.op('Sub', [total, seq]);
  const positionIds =
    opts.positionIds === false
      ? g.op('Unsqueeze', [g.op('Range', [past, total, g.constant('one', int64Tensor([], [1]))]), ints('zero', [0])])
      : g.input('position_ids', ElemType.INT64, ['batch_size', 'sequence_length']);
  const io: DecoderIO = {
    attentionMask,
    positionIds,
    total,
    seq,
    past,
    pastKV(i, kv) {
      const name = `past_key_values.${i}.${kv}`;
      return kvType === ElemType.FLOAT ? name : g.op('Cast', [name], { to: ElemType.FLOAT });
    },
    presentKV(i, kv) {
      const name = `present.${i}.${kv}`;
      g.output(name, kvType, ['batch_size', kvHeads, 'total_sequence_length', hd]);
      if (kvType === ElemType.FLOAT) return { target: name, done: () => {} };
      const target = g.fresh(`${name}_float`);
      return { target, done: () => void g.op('Cast', [target], { to: kvType }, name) };
    },
  };
  const invFreq = ropeInverseFrequencies(c);
  const layers = opts.fused ? fusedLayers(g, c, io, invFreq, opts.fused) : plainLayers(g, c, io, invFreq);

  const project = (x: string, name: string, out: number, inn: number, bias?: string) => {
    const y = w.linear(g, x, name, out, inn);
    return bias ? g.op('Add', [y, bias]) : y;
  };
  const h = c.hidden_size;
  const inter = c.intermediate_size ?? 4 * h;
  let hidden = w.embed(g, inputIds, 'model.embed_tokens.weight', c.vocab_size, h);
  let x = layers.norm(hidden, w.vector(g, 'model.layers.0.input_layernorm.weight', h));
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    const attnProj = (name: string, n: number) => project(x, `${p}.self_attn.${name}.weight`, n * hd, h, optionalBias(`${p}.self_attn.${name}.bias`, n * hd));
    const attn = layers.attention(i, attnProj('q_proj', heads), attnProj('k_proj', kvHeads), attnProj('v_proj', kvHeads));
    let y: string;
    [hidden, y] = layers.addNorm(hidden, project(attn, `${p}.self_attn.o_proj.weight`, h, heads * hd), w.vector(g, `${p}.post_attention_layernorm.weight`, h));
    const gate = project(y, `${p}.mlp.gate_proj.weight`, inter, h);
    const up = project(y, `${p}.mlp.up_proj.weight`, inter, h);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    const nextNorm = i + 1 < c.num_hidden_layers ? `model.layers.${i + 1}.input_layernorm.weight` : 'model.norm.weight';
    [hidden, x] = layers.addNorm(hidden, project(act, `${p}.mlp.down_proj.weight`, h, inter), w.vector(g, nextNorm, h));
  }
  const logits = c.tie_word_embeddings ? w.tiedHead(g, x, 'model.embed_tokens.weight', c.vocab_size, h) : w.linear(g, x, 'lm_head.weight', c.vocab_size, h);
  g.op('Identity', [logits], {}, 'logits');
}
