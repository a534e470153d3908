/**
 * The decoder's norms, rotary and attention as onnxruntime contrib operators (checked in
 * onnxruntime-node 1.30's CPU build): SimplifiedLayerNormalization (registered in the ONNX
 * domain), SkipSimplifiedLayerNormalization, RotaryEmbedding and GroupQueryAttention
 * (com.microsoft). Same inputs, outputs and cache layout as plainLayers.ts: presents are
 * [b, kvHeads, past + s, hd], so the engine can still rewind by slicing them.
 */
import { ElemType, floatTensor, int64Tensor, MS, type GraphBuilder } from '../onnx/graph';
import type { ModelConfig } from '../types';
import type { DecoderIO, FusedOps, LayerOps } from './decoderGraph';
import { plainLayers } from './plainLayers';

export function fusedLayers(g: GraphBuilder, c: ModelConfig, io: DecoderIO, invFreq: Float32Array, which: FusedOps): LayerOps {
  const hd = c.head_dim;
  const heads = c.num_attention_heads;
  const kvHeads = c.num_key_value_heads;
  const epsilon = { float: c.rms_norm_eps ?? 1e-6 };
  const ints = (hint: string, v: number[]) => g.constant(hint, int64Tensor([v.length], v));
  const int32 = (x: string) => g.op('Cast', [x], { to: ElemType.INT32 });

  const rope = rotary(g, io, invFreq);
  const norms = {
    norm: (x: string, weight: string) => g.op('SimplifiedLayerNormalization', [x, weight], { axis: -1, epsilon }),
    addNorm(residual: string, delta: string, weight: string): [string, string] {
      const [normed, sum] = [g.fresh('normed'), g.fresh('residual')];
      g.node('SkipSimplifiedLayerNormalization', [delta, residual, weight], { epsilon }, { ...MS, outputs: [normed, '', '', sum] });
      return [sum, normed];
    },
  };
  if (which === 'norms-rotary') return { ...norms, attention: plainLayers(g, c, io, invFreq, rope).attention };

  // GroupQueryAttention's lengths: total = cached + new tokens, seqlens_k = tokens in the mask − 1
  // per row. The mask is reshaped to [b, total] first, so a mask of the wrong width fails the
  // run as the plain graph's attention does (GroupQueryAttention itself would accept it).
  const cached = g.op('Gather', [g.op('Shape', ['past_key_values.0.key']), g.constant('idx2', int64Tensor([], [2]))], { axis: 0 });
  const total = g.op('Add', [cached, io.seq]);
  const mask = g.op('Reshape', [io.attentionMask, g.op('Concat', [ints('batch', [-1]), g.op('Unsqueeze', [total, ints('axis0', [0])])], { axis: 0 })]);
  const seqlensK = int32(g.op('Sub', [g.op('ReduceSum', [mask, ints('axis1', [1])], { keepdims: 0 }), g.constant('one', int64Tensor([], [1]))]));
  const totalLength = int32(total);

  // GroupQueryAttention's shape inference gives the presents the past's length (it assumes one
  // shared buffer). Where the presents are graph outputs that is harmless; where they are
  // intermediates (a float16 cache, cast after), onnxruntime's planner then reuses the cast
  // past's buffer for the longer present and the run fails. A Reshape to the past's own runtime
  // shape leaves the length unknown to inference.
  const past = (i: number, kv: 'key' | 'value') => {
    const x = io.pastKV(i, kv);
    return x.startsWith('past_key_values.') ? x : g.op('Reshape', [x, g.op('Shape', [x])]);
  };

  return {
    ...norms,
    attention(i, q, k, v) {
      const key = io.presentKV(i, 'key');
      const value = io.presentKV(i, 'value');
      const [out] = g.node(
        'GroupQueryAttention',
        [rope(q, heads), rope(k, kvHeads), v, past(i, 'key'), past(i, 'value'), seqlensK, totalLength],
        { num_heads: heads, kv_num_heads: kvHeads, scale: { float: 1 / Math.sqrt(hd) } },
        { ...MS, outputs: [g.fresh('attn'), key.target, value.target] },
      );
      key.done();
      value.done();
      return out;
    },
  };
}

/** RotaryEmbedding over x [b, s, n·hd] at position_ids. */
function rotary(g: GraphBuilder, io: DecoderIO, invFreq: Float32Array): (x: string, n: number) => string {
  const ints = (hint: string, v: number[]) => g.constant(hint, int64Tensor([v.length], v));
  // Rotary: cos/sin of exactly the positions asked for, one row per (row, token), and
  // RotaryEmbedding reads row b·s + i for token i of row b. So no [max_positions, hd/2] table
  // is stored or computed, and any position_ids (llama3-scaled frequencies included) work.
  const flat = g.op('Cast', [g.op('Reshape', [io.positionIds, ints('flat', [-1, 1])])], { to: ElemType.FLOAT });
  const freqs = g.op('Mul', [flat, g.constant('inv_freq', floatTensor([invFreq.length], invFreq))]);
  const cos = g.op('Cos', [freqs]);
  const sin = g.op('Sin', [freqs]);
  const rowOf = g.op('Reshape', [
    g.op('Range', [g.constant('zero_s', int64Tensor([], [0])), g.op('Size', [io.positionIds]), g.constant('step', int64Tensor([], [1]))]),
    g.op('Shape', [io.positionIds]),
  ]);
  return (x: string, n: number) => g.node('RotaryEmbedding', [x, rowOf, cos, sin], { num_heads: n, interleaved: 0 }, MS)[0];
}
