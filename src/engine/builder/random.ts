/** Seeded random weights for test models of any shape (Hugging Face Qwen2 tensor names). */
import { seededRandom } from '../random';
import type { ModelConfig } from '../types';
import type { Weights } from './safetensors';

export function randomWeights(c: ModelConfig, seed: number, opts: { qkvBias?: boolean } = {}): Weights {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const w: Weights = new Map();
  // Scales keep activations O(1) so logits differ clearly between tokens (good for cross-checks).
  const tensor = (name: string, dims: number[], std: number, mean = 0) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = mean + std * normal();
    w.set(name, { dims, data });
  };
  const h = c.hidden_size;
  const hd = c.head_dim;
  const inter = c.intermediate_size ?? 4 * h;
  tensor('model.embed_tokens.weight', [c.vocab_size, h], 1);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    tensor(`${p}.input_layernorm.weight`, [h], 0.1, 1);
    tensor(`${p}.self_attn.q_proj.weight`, [c.num_attention_heads * hd, h], 1 / Math.sqrt(h));
    tensor(`${p}.self_attn.k_proj.weight`, [c.num_key_value_heads * hd, h], 1 / Math.sqrt(h));
    tensor(`${p}.self_attn.v_proj.weight`, [c.num_key_value_heads * hd, h], 1 / Math.sqrt(h));
    if (opts.qkvBias) {
      tensor(`${p}.self_attn.q_proj.bias`, [c.num_attention_heads * hd], 0.1);
      tensor(`${p}.self_attn.k_proj.bias`, [c.num_key_value_heads * hd], 0.1);
      tensor(`${p}.self_attn.v_proj.bias`, [c.num_key_value_heads * hd], 0.1);
    }
    tensor(`${p}.self_attn.o_proj.weight`, [h, c.num_attention_heads * hd], 1 / Math.sqrt(c.num_attention_heads * hd));
    tensor(`${p}.post_attention_layernorm.weight`, [h], 0.1, 1);
    tensor(`${p}.mlp.gate_proj.weight`, [inter, h], 1 / Math.sqrt(h));
    tensor(`${p}.mlp.up_proj.weight`, [inter, h], 1 / Math.sqrt(h));
    tensor(`${p}.mlp.down_proj.weight`, [h, inter], 1 / Math.sqrt(inter));
  }
  tensor('model.norm.weight', [h], 0.1, 1);
  if (!c.tie_word_embeddings) tensor('lm_head.weight', [c.vocab_size, h], 1 / Math.sqrt(h));
  return w;
}
