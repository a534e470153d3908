/**
 * What one decoded token reads from memory: every initializer of an ONNX model except the tables
 * that are gathered from (the token embedding: one row a token). Reads the protobuf with
 * positioned reads and skips the weight bytes, so a 2 GB model costs a few MB to inspect.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface OnnxWeights {
  /** bytes of all initializers (inline and external) */
  totalBytes: number;
  /** bytes read per decoded token: all but gathered tables */
  perTokenBytes: number;
  /** initializers read by Gather-like nodes, and their bytes */
  gathered: Record<string, number>;
  /** node count per op type (domain-qualified when not the default) */
  ops: Record<string, number>;
}

class Reader {
  private readonly buf = Buffer.alloc(16);
  constructor(private readonly fd: number) {}

  byte(pos: number): number {
    readSync(this.fd, this.buf, 0, 1, pos);
    return this.buf[0];
  }

  varint(pos: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte(pos++);
      value += (b & 0x7f) * scale;
      if (b < 0x80) return [value, pos];
      scale *= 128;
    }
  }

  bytes(pos: number, n: number): Buffer {
    const out = Buffer.alloc(n);
    readSync(this.fd, out, 0, n, pos);
    return out;
  }

  /** Calls `visit(field, wire, start, end)` for each field of the message in [pos, end); start..end is a length-delimited payload or the value's bytes. */
  fields(pos: number, end: number, visit: (field: number, wire: number, start: number, stop: number, value: number) => void): void {
    while (pos < end) {
      const [key, p] = this.varint(pos);
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (wire === 0) {
        const [v, q] = this.varint(p);
        visit(field, wire, p, q, v);
        pos = q;
      } else if (wire === 2) {
        const [len, q] = this.varint(p);
        visit(field, wire, q, q + len, len);
        pos = q + len;
      } else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        visit(field, wire, p, p + n, 0);
        pos = p + n;
      } else {
        throw new Error(`unsupported protobuf wire type ${wire} at byte ${pos}`);
      }
    }
  }
}

/** Messages small enough to decode in memory (nodes, key/value entries). */
function strings(r: Reader, start: number, end: number, wanted: number): string[] {
  const out: string[] = [];
  r.fields(start, end, (f, w, s, e) => {
    if (f === wanted && w === 2) out.push(r.bytes(s, e - s).toString('utf8'));
  });
  return out;
}

const GATHERS = new Set(['Gather', 'GatherBlockQuantized']);

export function onnxWeights(file: string): OnnxWeights {
  const fd = openSync(file, 'r');
  try {
    const r = new Reader(fd);
    let graph: [number, number] | undefined;
    r.fields(0, fstatSync(fd).size, (f, w, s, e) => {
      if (f === 7 && w === 2) graph = [s, e];
    });
    if (!graph) throw new Error(`${file}: no graph in this ONNX file`);
    const sizes = new Map<string, number>();
    const ops: Record<string, number> = {};
    const gatheredNames = new Set<string>();
    // a table a tied head also reads (an int4 table reshaped for MatMulNBits) is read every token
    const readWhole = new Set<string>();
    r.fields(graph[0], graph[1], (f, w, s, e) => {
      if (w !== 2) return;
      if (f === 1) {
        // NodeProto: input 1, op_type 4, domain 7
        let op = '';
        let domain = '';
        const inputs: string[] = [];
        r.fields(s, e, (nf, nw, ns, ne) => {
          if (nw !== 2) return;
          if (nf === 1) inputs.push(r.bytes(ns, ne - ns).toString('utf8'));
          else if (nf === 4) op = r.bytes(ns, ne - ns).toString('utf8');
          else if (nf === 7) domain = r.bytes(ns, ne - ns).toString('utf8');
        });
        const name = domain && domain !== 'ai.onnx' ? `${domain}.${op}` : op;
        ops[name] = (ops[name] ?? 0) + 1;
        if (GATHERS.has(op) && inputs[0]) gatheredNames.add(inputs[0]);
        // GatherBlockQuantized also reads its scales (and zero points) a row at a time
        if (op === 'GatherBlockQuantized') for (const i of inputs.slice(2)) if (i) gatheredNames.add(i);
        if (!GATHERS.has(op)) for (const i of inputs) readWhole.add(i);
      } else if (f === 5) {
        // TensorProto: name 8, raw_data 9, external_data 13 (key/value), typed data 4–7, 10, 11
        let name = '';
        let bytes = 0;
        r.fields(s, e, (tf, tw, ts, te) => {
          if (tf === 8 && tw === 2) name = r.bytes(ts, te - ts).toString('utf8');
          else if ((tf === 9 || (tf >= 4 && tf <= 7) || tf === 10 || tf === 11) && tw === 2) bytes += te - ts;
          else if (tf === 13 && tw === 2) {
            const [key] = strings(r, ts, te, 1);
            if (key === 'length') bytes += Number(strings(r, ts, te, 2)[0]);
          }
        });
        sizes.set(name, bytes);
      }
    });
    let totalBytes = 0;
    for (const b of sizes.values()) totalBytes += b;
    const gathered: Record<string, number> = {};
    for (const n of gatheredNames) if (sizes.has(n) && !readWhole.has(n)) gathered[n] = sizes.get(n)!;
    const perTokenBytes = totalBytes - Object.values(gathered).reduce((a, b) => a + b, 0);
    return { totalBytes, perTokenBytes, gathered, ops };
  } finally {
    closeSync(fd);
  }
}
