/**
 * The few protobuf encoding primitives ONNX needs. Messages are kept as lists of byte chunks
 * so multi-megabyte weight blobs are copied once, when the whole model is joined.
 */
export class Message {
  readonly chunks: Uint8Array[] = [];
  length = 0;

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.push(varint((field << 3) | wire));
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).push(varint(value));
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).push(b);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, 2).push(varint(value.length)).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Fields already encoded (copied unchanged from another message). */
  raw(bytes: Uint8Array): this {
    return this.push(bytes);
  }

  message(field: number, value: Message): this {
    this.tag(field, 2).push(varint(value.length));
    for (const c of value.chunks) this.push(c);
    return this;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Base-128 varint; negative int64 values take ten bytes (two's complement), as protobuf requires. */
function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}
