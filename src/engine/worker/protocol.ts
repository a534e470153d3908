/** Messages between LocalModel (caller's thread) and the engine worker. */
import type { Device, LogitsMode, SamplerSpec } from '../types';

export interface LoadRequest {
  onnxFile: string;
  device: Device;
  threads?: number;
  numLayers: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositions: number;
}

export type Request =
  | { op: 'load'; load: LoadRequest }
  | { op: 'create'; gen: number }
  | { op: 'append'; gen: number; ids: number[]; logits: LogitsMode }
  | { op: 'next'; gen: number; sampler: SamplerSpec }
  | { op: 'generate'; gen: number; sampler: SamplerSpec; maxTokens: number; stop: number[] }
  | { op: 'rewind'; gen: number; length: number }
  | { op: 'free'; gen: number }
  | { op: 'unload' }
  | { op: 'cancel'; target: number };

export interface LoadResult {
  device: string;
  kvType: 'float32' | 'float16';
  hasPositionIds: boolean;
  log: string[];
}

export type Reply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: string }
  | { id: number; token: number };
