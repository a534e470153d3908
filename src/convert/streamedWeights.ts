/**
 * The converter's WeightSource: while decoderGraph.ts builds the graph, every weight is
 * declared as an external initializer (offset and length only) and a job is recorded that
 * will later read the source tensor, convert it and write it at that offset. So the graph
 * is complete before any weight byte is read, and weights pass through memory one at a time.
 */
import type { WeightSource } from '../engine/builder/decoderGraph';
import { ElemType, int64Tensor, MS, type GraphBuilder } from '../engine/onnx/graph';
import { sourceTensor, type Checkpoint, type SourceTensor } from './checkpoint';
import { isHalf, isQuantized, type ConvertDtype } from './dtypes';
import { q4Shapes } from './quantize';
import { bytesOf, decode, quantizedPieces, storeMatrix, type WeightPiece } from './tensorCodec';

export interface WeightJob {
  tensor: SourceTensor;
  /** where each output goes in the external data file */
  outputs: { offset: number; length: number }[];
  /** The outputs' bytes from the source tensor's, piece by piece: the writer writes each before the next is made. */
  produce(bytes: Buffer): Iterable<WeightPiece>;
}

export interface StreamOptions {
  dtype: ConvertDtype;
  blockSize: number;
  accuracyLevel: number;
  /** int4 without zero points (zero point 8), else one zero point a block */
  symmetric: boolean;
  quantizeHead: boolean;
  /** int4 embedding table (GatherBlockQuantized); a tied head then shares it */
  quantizeEmbedding: boolean;
}

const elemSize = (t: ElemType) => (t === ElemType.FLOAT ? 4 : t === ElemType.FLOAT16 ? 2 : 1);

export class StreamedWeights implements WeightSource {
  readonly jobs: WeightJob[] = [];
  private readonly halfInputs = new Map<string, string>();
  private embedTable?: string;
  /** the int4 table's initializers (packed [vocab, hidden / 2], scales, zero points) when quantized */
  private embedQ4?: string[];

  constructor(
    private readonly ckpt: Checkpoint,
    private readonly opts: StreamOptions,
  ) {}

  has(name: string): boolean {
    return this.ckpt.tensors.has(name);
  }

  /** Declares outputs [name, type, dims] and one job producing their bytes from `tensor`'s bytes. */
  private declare(g: GraphBuilder, tensor: SourceTensor, outs: [string, ElemType, number[]][], produce: WeightJob['produce']): string[] {
    const outputs = outs.map(([name, type, dims]) => {
      const length = elemSize(type) * dims.reduce((a, b) => a * b, 1);
      return { offset: g.externalInitializer(name, type, dims, length).offset, length };
    });
    this.jobs.push({ tensor, outputs, produce });
    return outs.map(([name]) => name);
  }

  /** The source matrix [rows, cols] as a float initializer (transposed when asked), fp16 in the half dtypes. */
  private matrix(g: GraphBuilder, t: SourceTensor, name: string, rows: number, cols: number, transpose: boolean): string {
    const half = isHalf(this.opts.dtype);
    const dims = transpose ? [cols, rows] : [rows, cols];
    const [stored] = this.declare(g, t, [[half ? `${name}_fp16` : name, half ? ElemType.FLOAT16 : ElemType.FLOAT, dims]], (bytes) =>
      storeMatrix(bytes, t.dtype, rows, cols, { transpose, half }),
    );
    return stored;
  }

  linear(g: GraphBuilder, x: string, name: string, out: number, inn: number): string {
    const t = sourceTensor(this.ckpt, name, [out, inn]);
    if (isQuantized(this.opts.dtype) && (name !== 'lm_head.weight' || this.opts.quantizeHead))
      return this.matMulNBits(g, x, this.q4Initializers(g, t, name, out, inn), out, inn);
    const w = this.matrix(g, t, name, out, inn, true);
    return g.op('MatMul', [x, isHalf(this.opts.dtype) ? g.op('Cast', [w], { to: ElemType.FLOAT }) : w]);
  }

  vector(g: GraphBuilder, name: string, n: number): string {
    const t = sourceTensor(this.ckpt, name, [n]);
    return this.declare(g, t, [[name, ElemType.FLOAT, [n]]], (bytes) => [{ output: 0, at: 0, data: bytesOf(decode(bytes, t.dtype)) }])[0];
  }

  embed(g: GraphBuilder, ids: string, name: string, vocab: number, hidden: number): string {
    const t = sourceTensor(this.ckpt, name, [vocab, hidden]);
    const half = isHalf(this.opts.dtype);
    if (isQuantized(this.opts.dtype) && this.opts.quantizeEmbedding) {
      // MatMulNBits' bytes, with the two shapes GatherBlockQuantized wants ([vocab, hidden / 2]
      // and [vocab, blocks]); it reads no zero points as 8, as MatMulNBits does.
      const { blocks } = q4Shapes(vocab, hidden, this.opts.blockSize);
      this.embedQ4 = this.q4Initializers(g, t, name, vocab, hidden, { packed: [vocab, hidden / 2], scales: [vocab, blocks] });
      const attrs = { gather_axis: 0, quantize_axis: 1, block_size: this.opts.blockSize, bits: 4 };
      const [rows] = g.node('GatherBlockQuantized', [this.embedQ4[0], ids, ...this.embedQ4.slice(1)], attrs, MS);
      return half ? g.op('Cast', [rows], { to: ElemType.FLOAT }) : rows;
    }
    this.embedTable = this.matrix(g, t, name, vocab, hidden, false);
    const rows = g.op('Gather', [this.embedTable, ids], { axis: 0 });
    return half ? g.op('Cast', [rows], { to: ElemType.FLOAT }) : rows;
  }

  tiedHead(g: GraphBuilder, x: string, name: string, vocab: number, hidden: number): string {
    if (this.embedQ4) {
      // The int4 table is MatMulNBits' [N, K] already: one copy in the file. B must be
      // [N, blocks, blockSize / 2]; onnxruntime folds the Reshape of an initializer at load.
      const [packed, ...rest] = this.embedQ4;
      const shape = g.constant('q4_shape', int64Tensor([3], q4Shapes(vocab, hidden, this.opts.blockSize).packed));
      return this.matMulNBits(g, x, [g.op('Reshape', [packed, shape]), ...rest], vocab, hidden);
    }
    const t = sourceTensor(this.ckpt, name, [vocab, hidden]);
    // The table is [vocab, hidden] = MatMulNBits' [N, K]: quantized as it is, read a second time.
    if (isQuantized(this.opts.dtype) && this.opts.quantizeHead)
      return this.matMulNBits(g, x, this.q4Initializers(g, t, 'lm_head.weight', vocab, hidden), vocab, hidden);
    if (!this.embedTable) throw new Error('tiedHead before embed');
    let table = this.embedTable;
    if (isHalf(this.opts.dtype)) table = g.op('Cast', [table], { to: ElemType.FLOAT });
    return g.op('MatMul', [x, g.op('Transpose', [table], { perm: [1, 0] })]);
  }

  /**
   * A [n, k] source matrix as int4 blocks: packed codes, scales (float16 in q4f16) and, when
   * asymmetric, zero points; shapes default to MatMulNBits' own.
   */
  private q4Initializers(g: GraphBuilder, t: SourceTensor, name: string, n: number, k: number, dims: { packed?: number[]; scales?: number[] } = {}): string[] {
    const { blockSize, symmetric } = this.opts;
    const half = this.opts.dtype === 'q4f16';
    const shapes = q4Shapes(n, k, blockSize);
    const outputs: [string, ElemType, number[]][] = [
      [`${name}_Q4`, ElemType.UINT8, dims.packed ?? shapes.packed],
      [`${name}_scales`, half ? ElemType.FLOAT16 : ElemType.FLOAT, dims.scales ?? shapes.scales],
    ];
    // Without zero points MatMulNBits takes 8 for every block: the symmetric codes.
    if (!symmetric) outputs.push([`${name}_zp`, ElemType.UINT8, shapes.zeroPoints]);
    return this.declare(g, t, outputs, (bytes) => quantizedPieces(bytes, t.dtype, n, k, { blockSize, half, symmetric }));
  }

  private matMulNBits(g: GraphBuilder, x: string, weights: string[], n: number, k: number): string {
    const { blockSize, accuracyLevel } = this.opts;
    const half = this.opts.dtype === 'q4f16';
    const a = half ? this.halfOf(g, x) : x;
    const [y] = g.node('MatMulNBits', [a, ...weights], { K: k, N: n, bits: 4, block_size: blockSize, accuracy_level: accuracyLevel }, MS);
    return half ? g.op('Cast', [y], { to: ElemType.FLOAT }) : y;
  }

  /** x cast to float16 once, however many projections read it (q, k and v share theirs). */
  private halfOf(g: GraphBuilder, x: string): string {
    let h = this.halfInputs.get(x);
    if (!h) this.halfInputs.set(x, (h = g.op('Cast', [x], { to: ElemType.FLOAT16 })));
    return h;
  }
}
