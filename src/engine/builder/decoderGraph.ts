/**
 * The Qwen2/Llama decoder as an ONNX graph with exactly the I/O of docs/ARCHITECTURE.md §2: RMSNorm,
 * rotary embeddings (Hugging Face rotate_half convention, optional llama3 frequency scaling),
 * grouped-query attention with a KV cache, SwiGLU, tied or untied head. Activations are
 * float32; where the weights come from (in memory, streamed, quantized) is a WeightSource's
 * business, so the builder and the checkpoint converter share one graph.
 */
import { ElemType, GraphBuilder, floatTensor, int64Tensor } from '../onnx/graph';
import type { ModelConfig } from '../types';

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
  const rep = heads / kvHeads;
  const eps = c.rms_norm_eps ?? 1e-6;
  const kvType = opts.kvDtype === 'float16' ? ElemType.FLOAT16 : ElemType.FLOAT;

  const scalar = (hint: string, v: number) => g.constant(hint, floatTensor([], Float32Array.of(v)));
  const ints = (hint: string, v: number[]) => g.constant(hint, int64Tensor([v.length], v));
  const optionalBias = (name: string, n: number) => (w.has(name) ? w.vector(g, name, n) : undefined);

  const inputIds = g.input('input_ids', ElemType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', ElemType.INT64, ['batch_size', 'total_sequence_length']);
  g.output('logits', ElemType.FLOAT, ['batch_size', 'sequence_length', c.vocab_size]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    for (const kv of ['key', 'value']) g.input(`past_key_values.${i}.${kv}`, kvType, ['batch_size', kvHeads, 'past_sequence_length', hd]);
  }

  const zero = ints('zero', [0]);
  const total = g.op('Gather', [g.op('Shape', [attentionMask]), g.constant('idx1', int64Tensor([], [1]))], { axis: 0 });
  const seq = g.op('Gather', [g.op('Shape', [inputIds]), g.constant('idx1b', int64Tensor([], [1]))], { axis: 0 });
  const past = g.op('Sub', [total, seq]);
  const one = g.constant('one', int64Tensor([], [1]));
  const positionIds =
    opts.positionIds === false
      ? g.op('Unsqueeze', [g.op('Range', [past, total, one]), zero])
      : g.input('position_ids', ElemType.INT64, ['batch_size', 'sequence_length']);

  // Rotary tables from position_ids: cos/sin [b, 1, s, hd].
  const pos = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: ElemType.FLOAT }), ints('axis_last', [-1])]);
  const freqs = g.op('Mul', [pos, g.constant('inv_freq', floatTensor([hd / 2], ropeInverseFrequencies(c)))]);
  const emb = g.op('Unsqueeze', [g.op('Concat', [freqs, freqs], { axis: -1 }), ints('axis1', [1])]);
  const cos = g.op('Cos', [emb]);
  const sin = g.op('Sin', [emb]);
  const half = ints('half', [hd / 2]);
  const end = ints('end', [hd]);
  const lastAxis = ints('last_axis', [-1]);
  const rope = (x: string) => {
    const x1 = g.op('Slice', [x, zero, half, lastAxis]);
    const x2 = g.op('Slice', [x, half, end, lastAxis]);
    const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  // Additive mask [b, 1, rep*s, t]: causal over absolute positions plus padding from attention_mask.
  // Rows repeat `rep` times because queries are grouped per KV head (see attention below).
  const keyPos = g.op('Unsqueeze', [g.op('Range', [g.constant('zero_s', int64Tensor([], [0])), total, one]), zero]);
  const queryPos = g.op('Unsqueeze', [g.op('Range', [past, total, one]), ints('axis1b', [1])]);
  const negInf = scalar('neg_big', -1e9); // -inf would turn fully masked rows into NaN
  const causal = g.op('Where', [g.op('Greater', [keyPos, queryPos]), negInf, scalar('zero_f', 0)]);
  const padding = g.op('Mul', [g.op('Sub', [scalar('one_f', 1), g.op('Cast', [attentionMask], { to: ElemType.FLOAT })]), negInf]);
  const padding4 = g.op('Unsqueeze', [padding, ints('axes12', [1, 2])]);
  const mask1 = g.op('Add', [g.op('Unsqueeze', [causal, ints('axes01', [0, 1])]), padding4]);
  const mask = rep === 1 ? mask1 : g.op('Concat', Array(rep).fill(mask1), { axis: 2 });

  const rmsNorm = (x: string, weight: string) => {
    const variance = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const denom = g.op('Sqrt', [g.op('Add', [variance, scalar('eps', eps)])]);
    return g.op('Mul', [g.op('Div', [x, denom]), weight]);
  };
  const project = (x: string, name: string, out: number, inn: number, bias?: string) => {
    const y = w.linear(g, x, name, out, inn);
    return bias ? g.op('Add', [y, bias]) : y;
  };
  const toHeads = (x: string, n: number) => g.op('Transpose', [g.op('Reshape', [x, ints('heads', [0, 0, n, hd])])], { perm: [0, 2, 1, 3] });
  const scale = scalar('scale', 1 / Math.sqrt(hd));

  const h = c.hidden_size;
  const inter = c.intermediate_size ?? 4 * h;
  let hidden = w.embed(g, inputIds, 'model.embed_tokens.weight', c.vocab_size, h);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    const x = rmsNorm(hidden, w.vector(g, `${p}.input_layernorm.weight`, h));
    const attnProj = (name: string, n: number) => project(x, `${p}.self_attn.${name}.weight`, n * hd, h, optionalBias(`${p}.self_attn.${name}.bias`, n * hd));
    const q = rope(toHeads(attnProj('q_proj', heads), heads));
    const k = rope(toHeads(attnProj('k_proj', kvHeads), kvHeads));
    const v = toHeads(attnProj('v_proj', kvHeads), kvHeads);
    const pastKV = (kv: string) => {
      const name = `past_key_values.${i}.${kv}`;
      return kvType === ElemType.FLOAT ? name : g.op('Cast', [name], { to: ElemType.FLOAT });
    };
    const presentKV = (kv: string, value: string) => {
      const name = `present.${i}.${kv}`;
      g.output(name, kvType, ['batch_size', kvHeads, 'total_sequence_length', hd]);
      if (kvType === ElemType.FLOAT) return g.op('Concat', [pastKV(kv), value], { axis: 2 }, name);
      const full = g.op('Concat', [pastKV(kv), value], { axis: 2 });
      g.op('Cast', [full], { to: kvType }, name);
      return full;
    };
    const keys = presentKV('key', k);
    const values = presentKV('value', v);
    // Grouped-query attention without repeating K/V: the `rep` query heads that share a KV
    // head are stacked along the sequence axis, [b, kvHeads, rep*s, hd].
    const qGrouped = g.op('Reshape', [g.op('Mul', [q, scale]), ints('group', [0, kvHeads, -1, hd])]);
    const scores = g.op('Add', [g.op('MatMul', [qGrouped, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), mask]);
    const attn = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), values]);
    const merged = g.op('Reshape', [
      g.op('Transpose', [g.op('Reshape', [attn, ints('ungroup', [0, heads, -1, hd])])], { perm: [0, 2, 1, 3] }),
      ints('merge', [0, 0, heads * hd]),
    ]);
    hidden = g.op('Add', [hidden, project(merged, `${p}.self_attn.o_proj.weight`, h, heads * hd)]);

    const y = rmsNorm(hidden, w.vector(g, `${p}.post_attention_layernorm.weight`, h));
    const gate = project(y, `${p}.mlp.gate_proj.weight`, inter, h);
    const up = project(y, `${p}.mlp.up_proj.weight`, inter, h);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    hidden = g.op('Add', [hidden, project(act, `${p}.mlp.down_proj.weight`, h, inter)]);
  }
  const normed = rmsNorm(hidden, w.vector(g, 'model.norm.weight', h));
  const logits = c.tie_word_embeddings
    ? w.tiedHead(g, normed, 'model.embed_tokens.weight', c.vocab_size, h)
    : w.linear(g, normed, 'lm_head.weight', c.vocab_size, h);
  g.op('Identity', [logits], {}, 'logits');
}
