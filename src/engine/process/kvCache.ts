/**
 * The past key/value tensors of one generator. In host memory a rewind cuts them along the
 * sequence axis; when they live on the GPU (WebGPU's `gpu-buffer` outputs fed back as inputs)
 * they cannot be read back, so a rewind drops them and the kept tokens are replayed in one
 * prefill before the next step.
 */
import * as ort from 'onnxruntime-node';
import type { LoadOptions } from '../types';

export type KvType = 'float32' | 'float16';
export type RewindStrategy = NonNullable<LoadOptions['rewind']>;

/** Input and output names per layer, made once per layer count: a decode step looks them up, never formats them. */
const namesCache = new Map<number, { inputs: string[]; outputs: string[] }>();
function kvNames(numLayers: number): { inputs: string[]; outputs: string[] } {
  let names = namesCache.get(numLayers);
  if (!names) {
    const layers = [...Array(numLayers).keys()];
    names = {
      inputs: layers.flatMap((i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]),
      outputs: layers.flatMap((i) => [`present.${i}.key`, `present.${i}.value`]),
    };
    namesCache.set(numLayers, names);
  }
  return names;
}

export class KvCache {
  private past: ort.Tensor[];
  private readonly names: { inputs: string[]; outputs: string[] };

  constructor(
    private readonly numLayers: number,
    private readonly kvHeads: number,
    private readonly headDim: number,
    private readonly type: KvType,
    private readonly strategy: RewindStrategy,
  ) {
    this.names = kvNames(numLayers);
    this.past = this.empty();
  }

  get length(): number {
    return this.past[0]?.dims[2] ?? 0;
  }

  feeds(into: Record<string, ort.Tensor>): void {
    const names = this.names.inputs;
    for (let i = 0; i < names.length; i++) into[names[i]] = this.past[i];
  }

  update(outputs: ort.InferenceSession.OnnxValueMapType): void {
    const names = this.names.outputs;
    const next = new Array<ort.Tensor>(names.length);
    for (let i = 0; i < names.length; i++) next[i] = outputs[names[i]] as ort.Tensor;
    this.release();
    this.past = next;
  }

  /** The tokens of `held` that a replay rewind dropped from the cache and must run again. */
  pendingReplay(held: number[]): number[] {
    return held.length > this.length ? held.slice(this.length) : [];
  }

  /** Keeps the first `length` positions (cut) or drops them all for a replay. */
  rewind(length: number): void {
    const old = this.length;
    if (length === old) return;
    if (length < 0 || length > old) throw new Error(`rewind(${length}): the cache holds ${old} tokens`);
    if (length === 0 || this.strategy === 'replay') {
      this.release();
      this.past = this.empty();
      return;
    }
    const row = this.headDim;
    this.past = this.past.map((t) => {
      const src = t.data as Float32Array | Uint16Array;
      const dst = new (src.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(this.kvHeads * length * row);
      for (let h = 0; h < this.kvHeads; h++) dst.set(src.subarray(h * old * row, (h * old + length) * row), h * length * row);
      return new ort.Tensor(this.type, dst, [1, this.kvHeads, length, row]);
    });
  }

  dispose(): void {
    this.release();
    this.past = [];
  }

  /** GPU-resident tensors hold device memory until disposed; host tensors are left to the GC. */
  private release(): void {
    for (const t of this.past) if (t.location === 'gpu-buffer') t.dispose();
  }

  private empty(): ort.Tensor[] {
    const make = () => new ort.Tensor(this.type, this.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, this.kvHeads, 0, this.headDim]);
    return Array.from({ length: 2 * this.numLayers }, make);
  }
}
