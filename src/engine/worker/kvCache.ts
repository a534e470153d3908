/** The past key/value tensors of one generator, and rewinding them along the sequence axis. */
import * as ort from 'onnxruntime-node';

export type KvType = 'float32' | 'float16';

export class KvCache {
  private past: ort.Tensor[];

  constructor(
    private readonly numLayers: number,
    private readonly kvHeads: number,
    private readonly headDim: number,
    private readonly type: KvType,
  ) {
    this.past = this.empty();
  }

  get length(): number {
    return this.past[0]?.dims[2] ?? 0;
  }

  feeds(into: Record<string, ort.Tensor>): void {
    for (let i = 0; i < this.numLayers; i++) {
      into[`past_key_values.${i}.key`] = this.past[2 * i];
      into[`past_key_values.${i}.value`] = this.past[2 * i + 1];
    }
  }

  update(outputs: ort.InferenceSession.OnnxValueMapType): void {
    const next: ort.Tensor[] = [];
    for (let i = 0; i < this.numLayers; i++) next.push(outputs[`present.${i}.key`] as ort.Tensor, outputs[`present.${i}.value`] as ort.Tensor);
    this.past = next;
  }

  /** Keeps the first `length` positions. Copies: the tensors are [1, heads, past, headDim]. */
  rewind(length: number): void {
    const old = this.length;
    if (length === old) return;
    if (length < 0 || length > old) throw new Error(`rewind(${length}): the cache holds ${old} tokens`);
    if (length === 0) {
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

  private empty(): ort.Tensor[] {
    const make = () => new ort.Tensor(this.type, this.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, this.kvHeads, 0, this.headDim]);
    return Array.from({ length: 2 * this.numLayers }, make);
  }
}
