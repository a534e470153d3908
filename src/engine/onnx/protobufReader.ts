/**
 * Walks the fields of one protobuf message held in memory: enough to read an ONNX graph and
 * patch it without decoding its weights (protobuf.ts writes; this reads).
 */
export interface Field {
  field: number;
  wire: number;
  /** offset of the field's tag: [at, end) is the whole field, to copy it unchanged */
  at: number;
  /** the payload: a length-delimited field's bytes, or a fixed-width value's */
  start: number;
  end: number;
  /** a varint field's value (wire type 0) */
  value: number;
}

export function* fields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const at = pos;
    const [key, afterKey] = varint(bytes, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [value, next] = varint(bytes, afterKey);
      yield { field, wire, at, start: afterKey, end: next, value };
      pos = next;
    } else if (wire === 2) {
      const [length, payload] = varint(bytes, afterKey);
      if (payload + length > end) throw new Error(`protobuf field ${field} runs past its message (byte ${at})`);
      yield { field, wire, at, start: payload, end: payload + length, value: length };
      pos = payload + length;
    } else if (wire === 1 || wire === 5) {
      const next = afterKey + (wire === 1 ? 8 : 4);
      yield { field, wire, at, start: afterKey, end: next, value: 0 };
      pos = next;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire} at byte ${at}`);
    }
  }
}

/** A length-delimited field's payload as UTF-8 text (names, op types). */
export function text(bytes: Uint8Array, f: Field): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + f.start, f.end - f.start).toString('utf8');
}

function varint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= bytes.length) throw new Error('protobuf varint runs past the end of the data');
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}
