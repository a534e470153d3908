/**
 * A small builder for ONNX graphs (onnx.proto field numbers). It writes only what a decoder
 * needs: tensors (inline or external data), nodes with int/float/ints attributes, typed
 * inputs and outputs with symbolic dims.
 */
import { Message } from './protobuf';

export enum ElemType {
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  INT32 = 6,
  INT64 = 7,
  BOOL = 9,
  FLOAT16 = 10,
}

export type Dim = number | string;

/** onnxruntime's contrib operators (MatMulNBits, GatherBlockQuantized, the fused layers) live in this domain. */
export const MS_DOMAIN = 'com.microsoft';
/** node() options for a contrib operator */
export const MS = { domain: MS_DOMAIN };
export type Attr = number | number[] | { float: number } | { floats: number[] };

export interface TensorData {
  type: ElemType;
  dims: number[];
  /** Little-endian raw bytes of the elements. */
  raw: Uint8Array;
}

export function floatTensor(dims: number[], data: Float32Array): TensorData {
  return { type: ElemType.FLOAT, dims, raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function int64Tensor(dims: number[], values: number[]): TensorData {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { type: ElemType.INT64, dims, raw: new Uint8Array(data.buffer) };
}

interface ExternalPlan {
  file: string;
  /** Tensors at least this large go to the external file. */
  minBytes: number;
  parts: Uint8Array[];
  offset: number;
}

export class GraphBuilder {
  private readonly nodes: Message[] = [];
  private readonly initializers: Message[] = [];
  private readonly inputs: Message[] = [];
  private readonly outputs: Message[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  private external?: ExternalPlan;

  constructor(private readonly name: string) {}

  /** Store large initializers in `file` beside the model (the `.onnx_data` layout). */
  useExternalData(file: string, minBytes = 1024): void {
    this.external = { file, minBytes, parts: [], offset: 0 };
  }

  fresh(hint: string): string {
    let n: string;
    do n = `${hint}_${this.counter++}`;
    while (this.names.has(n));
    this.names.add(n);
    return n;
  }

  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    this.names.add(name);
    return name;
  }

  output(name: string, type: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  initializer(name: string, t: TensorData): string {
    this.names.add(name);
    const ext = this.external;
    if (!ext || t.raw.length < ext.minBytes) {
      this.initializers.push(tensorProto(name, t));
      return name;
    }
    const m = new Message().string(8, name).int(2, t.type);
    for (const d of t.dims) m.int(1, d);
    // ORT memory-maps external data; aligned offsets keep that cheap.
    const pad = (64 - (ext.offset % 64)) % 64;
    if (pad) ext.parts.push(new Uint8Array(pad));
    ext.offset += pad;
    m.message(13, new Message().string(1, 'location').string(2, ext.file));
    m.message(13, new Message().string(1, 'offset').string(2, String(ext.offset)));
    m.message(13, new Message().string(1, 'length').string(2, String(t.raw.length)));
    m.int(14, 1);
    ext.parts.push(t.raw);
    ext.offset += t.raw.length;
    this.initializers.push(m);
    return name;
  }

  /**
   * Declares an initializer stored in the external data file whose bytes the caller writes
   * itself at the returned offset (a streaming writer keeps no weights in memory). Needs
   * useExternalData(file, Infinity) so that initializer() keeps everything else inline.
   */
  externalInitializer(name: string, type: ElemType, dims: number[], byteLength: number): { offset: number } {
    const ext = this.external;
    if (!ext || Number.isFinite(ext.minBytes)) throw new Error('externalInitializer needs useExternalData(file, Infinity)');
    this.names.add(name);
    ext.offset += (64 - (ext.offset % 64)) % 64;
    const offset = ext.offset;
    const m = new Message().string(8, name).int(2, type);
    for (const d of dims) m.int(1, d);
    m.message(13, new Message().string(1, 'location').string(2, ext.file));
    m.message(13, new Message().string(1, 'offset').string(2, String(offset)));
    m.message(13, new Message().string(1, 'length').string(2, String(byteLength)));
    m.int(14, 1);
    this.initializers.push(m);
    ext.offset += byteLength;
    return { offset };
  }

  /** Bytes the external data file holds so far (its final size once the graph is done). */
  get externalBytes(): number {
    return this.external?.offset ?? 0;
  }

  constant(hint: string, t: TensorData): string {
    return this.initializer(this.fresh(hint), t);
  }

  /** Adds a node and returns its output names (fresh ones unless given). */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, opts: { outputs?: string[] | number; domain?: string } = {}): string[] {
    const outs = Array.isArray(opts.outputs) ? opts.outputs : Array.from({ length: opts.outputs ?? 1 }, () => this.fresh(op.toLowerCase()));
    for (const o of outs) this.names.add(o);
    const m = new Message();
    for (const i of inputs) m.string(1, i);
    for (const o of outs) m.string(2, o);
    m.string(3, this.fresh(`n_${op}`)).string(4, op);
    for (const [key, value] of Object.entries(attrs)) m.message(5, attribute(key, value));
    if (opts.domain) m.string(7, opts.domain);
    this.nodes.push(m);
    return outs;
  }

  /** Shorthand for single-output nodes. */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    return this.node(op, inputs, attrs, output ? { outputs: [output] } : {})[0];
  }

  /** The serialized ModelProto, and the external data file's bytes when one is used. */
  finish(opsets: Record<string, number>, producer: string): { model: Uint8Array; externalData?: Uint8Array } {
    const g = new Message();
    for (const n of this.nodes) g.message(1, n);
    g.string(2, this.name);
    for (const t of this.initializers) g.message(5, t);
    for (const i of this.inputs) g.message(11, i);
    for (const o of this.outputs) g.message(12, o);
    const model = new Message().int(1, 8).string(2, producer).string(3, '1');
    for (const [domain, version] of Object.entries(opsets)) model.message(8, new Message().string(1, domain).int(2, version));
    model.message(7, g);
    let externalData: Uint8Array | undefined;
    if (this.external?.parts.length) externalData = Buffer.concat(this.external.parts);
    return { model: model.toBytes(), externalData };
  }
}

/** A TensorProto holding its bytes inline. */
export function tensorProto(name: string, t: TensorData): Message {
  const m = new Message().string(8, name).int(2, t.type);
  for (const d of t.dims) m.int(1, d);
  return m.bytes(9, t.raw);
}

/** A ValueInfoProto: a graph input's or output's name, element type and dims (symbolic ones by name). */
export function valueInfo(name: string, type: ElemType, dims: Dim[]): Message {
  const shape = new Message();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, type).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

function attribute(name: string, value: Attr): Message {
  const m = new Message().string(1, name);
  if (typeof value === 'number') return m.int(3, value).int(20, 2);
  if (Array.isArray(value)) {
    for (const v of value) m.int(8, v);
    return m.int(20, 7);
  }
  if ('float' in value) return m.float(2, value.float).int(20, 1);
  for (const v of value.floats) m.float(7, v);
  return m.int(20, 6);
}
