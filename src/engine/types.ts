/** Public types of the local engine (docs/ARCHITECTURE.md §2–3). */

export type Device = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/** Which ONNX file of the folder: fp32 is onnx/model.onnx, the others onnx/model_{dtype}.onnx. */
export type Dtype = 'fp32' | 'fp16' | 'q4' | 'q4f16' | 'int8' | 'uint8' | 'quantized' | 'bnb4';

export interface LoadOptions {
  device?: Device;
  dtype?: Dtype;
  /** Intra-op threads for the CPU provider; default: onnxruntime's choice. */
  threads?: number;
  /** How a rewind treats the KV cache: cut it (host memory) or replay the kept tokens (a cache on the GPU). Default: by where the cache lives. */
  rewind?: 'cut' | 'replay';
  /** A folder with its own libonnxruntime and provider libraries (SplitReason: Enable CUDA writes one): the engine process loads onnxruntime from there. */
  ortLibraryDir?: string;
  /** Where `auto`'s provider self-test results are kept (default: ~/.cache/splitreason/provider-self-test.json). */
  selfTestFile?: string;
  /** Receives provider fallbacks and other load-time notes. */
  log?: (message: string) => void;
}

/**
 * A sampler is described by data, not code, because it runs inside the engine process next to
 * the logits. temperature 0 (or absent) means greedy. The same seed reproduces a run.
 */
export interface SamplerSpec {
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** token ids never sampled (the offload tag under the `verify` policy) */
  banned?: number[];
}

export type LogitsMode = 'all' | 'last' | 'none';

/** config.json fields the engine uses (Hugging Face names). */
export interface ModelConfig {
  model_type: string;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  vocab_size: number;
  max_position_embeddings: number;
  rope_theta: number;
  intermediate_size?: number;
  rms_norm_eps?: number;
  tie_word_embeddings?: boolean;
  bos_token_id?: number | null;
  eos_token_id?: number | number[] | null;
  /** Llama 3.x checkpoints scale the rotary frequencies (rope_type 'llama3'). */
  rope_scaling?: RopeScaling | null;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** config.json's rope_scaling (the builder implements 'default' and 'llama3'). */
export interface RopeScaling {
  rope_type?: string;
  type?: string;
  factor?: number;
  low_freq_factor?: number;
  high_freq_factor?: number;
  original_max_position_embeddings?: number;
}

/**
 * The token sequences that spell a close tag in context, for the hand-back probe when the tag is
 * ordinary text (the BPE merges it with its neighbours: ".</", "</", "big", "model", ">\n").
 * Built by the caller, which has the tokenizer (src/split/tagSpellings.ts); small (a few hundred ids).
 */
export interface TagSpellings {
  /** the tag's length in characters */
  length: number;
  /** tokens that can begin the tag: [id, characters of the tag it covers, ids of its text before the tag] */
  start: [number, number, number[]][];
  /** per characters covered so far: the tokens that go on with the tag, and the characters covered after each */
  next: [number, [number, number][]][];
}
