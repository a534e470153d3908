/**
 * The decoder's norms, rotary and attention as standard opset-17 operators, so every execution
 * provider (and every runtime) can run the graph; onnxruntime fuses some of the patterns itself.
 */
import { ElemType, floatTensor, int64Tensor, type GraphBuilder } from '../onnx/graph';
import type { ModelConfig } from '../types';
import type { DecoderIO, LayerOps } from './decoderGraph';

/** `rotary`, when given, rotates q or k [b, s, n·hd] in place of the plain tables (fusedLayers.ts passes RotaryEmbedding). */
export function plainLayers(g: GraphBuilder, c: ModelConfig, io: DecoderIO, invFreq: Float32Array, rotary?: (x: string, n: number) => string): LayerOps {
  const hd = c.head_dim;
  const heads = c.num_attention_heads;
  const kvHeads = c.num_key_value_heads;
  const rep = heads / kvHeads;
  const scalar = (hint: string, v: number) => g.constant(hint, floatTensor([], Float32Array.of(v)));
  const ints = (hint: string, v: number[]) => g.constant(hint, int64Tensor([v.length], v));
  const zero = ints('zero', [0]);
  const one = g.constant('one', int64Tensor([], [1]));

  // Rotary tables from position_ids: cos/sin [b, 1, s, hd].
  const tables = () => {
    const pos = g.op('Unsqueeze', [g.op('Cast', [io.positionIds], { to: ElemType.FLOAT }), ints('axis_last', [-1])]);
    const freqs = g.op('Mul', [pos, g.constant('inv_freq', floatTensor([hd / 2], invFreq))]);
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
    return rope;
  };
  const rope = rotary ? undefined : tables();

  // Additive mask [b, 1, rep*s, t]: causal over absolute positions plus padding from attention_mask.
  // Rows repeat `rep` times because queries are grouped per KV head (see attention below).
  const keyPos = g.op('Unsqueeze', [g.op('Range', [g.constant('zero_s', int64Tensor([], [0])), io.total, one]), zero]);
  const queryPos = g.op('Unsqueeze', [g.op('Range', [io.past, io.total, one]), ints('axis1b', [1])]);
  const negInf = scalar('neg_big', -1e9); // -inf would turn fully masked rows into NaN
  const causal = g.op('Where', [g.op('Greater', [keyPos, queryPos]), negInf, scalar('zero_f', 0)]);
  const padding = g.op('Mul', [g.op('Sub', [scalar('one_f', 1), g.op('Cast', [io.attentionMask], { to: ElemType.FLOAT })]), negInf]);
  const padding4 = g.op('Unsqueeze', [padding, ints('axes12', [1, 2])]);
  const mask1 = g.op('Add', [g.op('Unsqueeze', [causal, ints('axes01', [0, 1])]), padding4]);
  const mask = rep === 1 ? mask1 : g.op('Concat', Array(rep).fill(mask1), { axis: 2 });

  let eps: string | undefined; // made on first use: fusedLayers.ts borrows only the attention
  const norm = (x: string, weight: string) => {
    const variance = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    return g.op('Mul', [g.op('Div', [x, g.op('Sqrt', [g.op('Add', [variance, (eps ??= scalar('eps', c.rms_norm_eps ?? 1e-6))])])]), weight]);
  };
  const toHeads = (x: string, n: number) => g.op('Transpose', [g.op('Reshape', [x, ints('heads', [0, 0, n, hd])])], { perm: [0, 2, 1, 3] });
  const scale = scalar('scale', 1 / Math.sqrt(hd));

  return {
    norm,
    addNorm(residual, delta, weight) {
      const sum = g.op('Add', [residual, delta]);
      return [sum, norm(sum, weight)];
    },
    attention(i, qIn, kIn, vIn) {
      const q = rope ? rope(toHeads(qIn, heads)) : toHeads(rotary!(qIn, heads), heads);
      const k = rope ? rope(toHeads(kIn, kvHeads)) : toHeads(rotary!(kIn, kvHeads), kvHeads);
      const v = toHeads(vIn, kvHeads);
      const append = (kv: 'key' | 'value', value: string) => {
        const present = io.presentKV(i, kv);
        const full = g.op('Concat', [io.pastKV(i, kv), value], { axis: 2 }, present.target);
        present.done();
        return full;
      };
      const keys = append('key', k);
      const values = append('value', v);
      // Grouped-query attention without repeating K/V: the `rep` query heads that share a KV
      // head are stacked along the sequence axis, [b, kvHeads, rep*s, hd].
      const qGrouped = g.op('Reshape', [g.op('Mul', [q, scale]), ints('group', [0, kvHeads, -1, hd])]);
      const scores = g.op('Add', [g.op('MatMul', [qGrouped, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), mask]);
      const attn = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), values]);
      return g.op('Reshape', [
        g.op('Transpose', [g.op('Reshape', [attn, ints('ungroup', [0, heads, -1, hd])])], { perm: [0, 2, 1, 3] }),
        ints('merge', [0, 0, heads * hd]),
      ]);
    },
  };
}
