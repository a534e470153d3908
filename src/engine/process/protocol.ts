/**
 * Messages between LocalModel (the caller's process) and the engine process. Only token ids,
 * entropies and small results cross by default: logits stay where they are computed unless a
 * caller asks for them (`logits: 'last' | 'all'`).
 */
import type { Device, LogitsMode, SamplerSpec, TagSpellings } from '../types';
import type { RewindStrategy } from './kvCache';
import type { Provider } from '../executionProviders';

export interface LoadRequest {
  onnxFile: string;
  device: Device;
  threads?: number;
  numLayers: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositions: number;
  /** how a rewind treats the cache; default: cut on the host, replay when the cache is on the GPU */
  rewind?: RewindStrategy;
  /** providers `auto` skips: they failed its self-test on this machine */
  failedSelfTest?: Provider[];
}

export interface GeneratorOptions {
  /** report the entropy of the next token's distribution after every step (the entropy trigger) */
  entropy?: boolean;
  /** this generator runs `auto`'s provider self-test (the engine's fault hook for tests watches for it) */
  selfTest?: boolean;
}

export type Request =
  | { op: 'load'; load: LoadRequest }
  | { op: 'create'; gen: number; options: GeneratorOptions }
  | { op: 'append'; gen: number; ids: number[]; logits: LogitsMode }
  | { op: 'next'; gen: number; sampler: SamplerSpec }
  | { op: 'probe'; gen: number; ids: number[]; close: number[]; spellings?: TagSpellings }
  | { op: 'logits'; gen: number }
  | { op: 'generate'; gen: number; sampler: SamplerSpec; maxTokens: number; stop: number[] }
  | { op: 'rewind'; gen: number; length: number }
  | { op: 'free'; gen: number }
  | { op: 'unload' }
  /** the engine's memory (bench/soak.ts); collects garbage first when the engine runs with --expose-gc */
  | { op: 'memory' }
  | { op: 'cancel'; target: number };

export type Op = Request['op'];

export interface LoadResult {
  device: string;
  kvType: 'float32' | 'float16';
  hasPositionIds: boolean;
  /** where the cache lives between steps: host memory, or the GPU (rewind then replays tokens) */
  kvLocation: 'cpu' | 'gpu-buffer';
  /** the head computes only the logits a run returns (onnx/logitsFrom.ts); false: every position's */
  slicedHead: boolean;
  log: string[];
}

/** process.memoryUsage() of the engine process, in bytes */
export interface EngineMemory {
  rss: number;
  /** the most the resident set has been since the process started (load and every run) */
  maxRss: number;
  /**
   * The resident set split as Linux counts it (/proc/self/status; absent elsewhere): anonymous
   * memory (heaps, malloc, onnxruntime's buffers) and file pages (code of node and onnxruntime,
   * paged in as new kernels first run, and mapped weights).
   */
  rssAnon?: number;
  rssFile?: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** What every state-changing step reports: the cache length and, when asked, the next entropy. */
export interface StepResult {
  length: number;
  entropy?: number;
}
export interface AppendResult extends StepResult {
  logits?: Float32Array;
}
export interface NextResult extends StepResult {
  token: number;
  /** entropy of the distribution `token` was drawn from (when the generator tracks entropy) */
  sampledEntropy?: number;
}
export interface ProbeResult extends StepResult {
  /** index of the appended token after which the close tag was appended, or null */
  after: number | null;
  /** small-model token evaluations the probe cost */
  evaluations: number;
  /** ids of the text the small model writes before the tag in the same token (text tags), appended before `close` */
  lead: number[];
}

export type Reply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: string }
  /** tokens a running `generate` made since its last message, in order */
  | { id: number; tokens: number[] };
