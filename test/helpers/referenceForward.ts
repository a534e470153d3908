/**
 * A plain-JavaScript Qwen2 forward pass (float64, no cache), written from the architecture's
 * definition rather than from the builder, so builder graphs can be checked against it.
 */
import type { Weights } from '../../src/engine/builder';
import type { ModelConfig } from '../../src/engine/types';

type Mat = Float64Array[]; // rows

function linear(x: Mat, w: Float32Array, out: number, inn: number, bias?: Float32Array): Mat {
  return x.map((row) => {
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = bias ? bias[o] : 0;
      for (let i = 0; i < inn; i++) s += row[i] * w[o * inn + i];
      y[o] = s;
    }
    return y;
  });
}

function rmsNorm(x: Mat, w: Float32Array, eps: number): Mat {
  return x.map((row) => {
    let ms = 0;
    for (const v of row) ms += v * v;
    const r = 1 / Math.sqrt(ms / row.length + eps);
    return row.map((v, i) => v * r * w[i]);
  });
}

function rope(vec: Float64Array, offset: number, hd: number, pos: number, theta: number): void {
  const half = hd / 2;
  const orig = vec.slice(offset, offset + hd);
  for (let i = 0; i < hd; i++) {
    const f = pos / theta ** ((2 * (i % half)) / hd);
    const rotated = i < half ? -orig[i + half] : orig[i - half];
    vec[offset + i] = orig[i] * Math.cos(f) + rotated * Math.sin(f);
  }
}

export function referenceLogits(c: ModelConfig, w: Weights, ids: number[]): Float64Array[] {
  const get = (n: string) => w.get(n)?.data;
  const h = c.hidden_size;
  const hd = c.head_dim;
  const H = c.num_attention_heads;
  const KV = c.num_key_value_heads;
  const inter = c.intermediate_size ?? 4 * h;
  const eps = c.rms_norm_eps ?? 1e-6;
  const emb = get('model.embed_tokens.weight')!;
  let x: Mat = ids.map((id) => Float64Array.from(emb.subarray(id * h, (id + 1) * h)));
  const n = ids.length;
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const xn = rmsNorm(x, get(`${p}.input_layernorm.weight`)!, eps);
    const q = linear(xn, get(`${p}.self_attn.q_proj.weight`)!, H * hd, h, get(`${p}.self_attn.q_proj.bias`));
    const k = linear(xn, get(`${p}.self_attn.k_proj.weight`)!, KV * hd, h, get(`${p}.self_attn.k_proj.bias`));
    const v = linear(xn, get(`${p}.self_attn.v_proj.weight`)!, KV * hd, h, get(`${p}.self_attn.v_proj.bias`));
    for (let t = 0; t < n; t++) {
      for (let hh = 0; hh < H; hh++) rope(q[t], hh * hd, hd, t, c.rope_theta);
      for (let hh = 0; hh < KV; hh++) rope(k[t], hh * hd, hd, t, c.rope_theta);
    }
    const attn: Mat = Array.from({ length: n }, () => new Float64Array(H * hd));
    for (let hh = 0; hh < H; hh++) {
      const kh = Math.floor(hh / (H / KV));
      for (let t = 0; t < n; t++) {
        const scores = new Float64Array(t + 1);
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += q[t][hh * hd + d] * k[s][kh * hd + d];
          scores[s] = dot / Math.sqrt(hd);
        }
        const max = Math.max(...scores);
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s] - max);
        for (let s = 0; s <= t; s++) for (let d = 0; d < hd; d++) attn[t][hh * hd + d] += (scores[s] / sum) * v[s][kh * hd + d];
      }
    }
    const o = linear(attn, get(`${p}.self_attn.o_proj.weight`)!, h, H * hd);
    x = x.map((row, t) => row.map((val, i) => val + o[t][i]));
    const yn = rmsNorm(x, get(`${p}.post_attention_layernorm.weight`)!, eps);
    const gate = linear(yn, get(`${p}.mlp.gate_proj.weight`)!, inter, h);
    const up = linear(yn, get(`${p}.mlp.up_proj.weight`)!, inter, h);
    const act = gate.map((row, t) => row.map((g, i) => (g / (1 + Math.exp(-g))) * up[t][i]));
    const down = linear(act, get(`${p}.mlp.down_proj.weight`)!, h, inter);
    x = x.map((row, t) => row.map((val, i) => val + down[t][i]));
  }
  const xf = rmsNorm(x, get('model.norm.weight')!, eps);
  return linear(xf, c.tie_word_embeddings ? emb : get('lm_head.weight')!, c.vocab_size, h);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
