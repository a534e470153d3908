/**
 * This machine's memory read bandwidth on N threads, measured in the same run as the speeds it
 * is compared with (machines are shared; yesterday's figure says little about now). A one-node
 * ONNX graph, y = x · W with W a 1 GiB float initializer, run for one row: a matrix-vector
 * product streams every byte of W once per run through onnxruntime's vectorised kernels, which
 * is the access pattern of decoding, with arithmetic far below what the cores can do.
 * A plain JavaScript sum loop is compute-bound here (≈ 10 GB/s on 2 threads against ≈ 35 GB/s
 * for C), so it would understate the limit.
 */
import * as ort from 'onnxruntime-node';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from '../src/engine/onnx/protobuf';

const FLOAT = 1; // onnx TensorProto.DataType

const K = 2048;
const N = 131072; // K × N floats = 1 GiB, far beyond any cache
const DATA = 'weights.bin';

/** Written once into the temp dir: the model file, and W as external data (no 1 GiB buffer in this process). */
function probeModel(): string {
  const dir = join(tmpdir(), 'splitreason-bandwidth-probe-v1');
  const file = join(dir, 'probe.onnx');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const rows = 64;
  const chunk = new Float32Array(rows * N);
  for (let i = 0; i < chunk.length; i++) chunk[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  const fd = openSync(join(dir, `${DATA}.partial`), 'w');
  try {
    for (let r = 0; r < K; r += rows) writeSync(fd, new Uint8Array(chunk.buffer));
  } finally {
    closeSync(fd);
  }
  renameSync(join(dir, `${DATA}.partial`), join(dir, DATA));
  writeFileSync(file, probeGraph());
  return file;
}

/** ModelProto by hand (onnx.proto field numbers): the builder would want W's bytes in memory. */
function probeGraph(): Uint8Array {
  const info = (name: string, dims: number[]) => {
    const shape = new Message();
    for (const d of dims) shape.message(1, new Message().int(1, d));
    return new Message().string(1, name).message(2, new Message().message(1, new Message().int(1, FLOAT).message(2, shape)));
  };
  const w = new Message().int(1, K).int(1, N).int(2, FLOAT).string(8, 'W');
  for (const [key, value] of [
    ['location', DATA],
    ['offset', '0'],
    ['length', String(K * N * 4)],
  ])
    w.message(13, new Message().string(1, key).string(2, value));
  w.int(14, 1);
  const graph = new Message()
    .message(1, new Message().string(1, 'x').string(1, 'W').string(2, 'y').string(3, 'gemv').string(4, 'MatMul'))
    .string(2, 'bandwidth-probe')
    .message(5, w)
    .message(11, info('x', [1, K]))
    .message(12, info('y', [1, N]));
  return new Message().int(1, 8).string(2, 'splitreason-bench').message(8, new Message().string(1, '').int(2, 17)).message(7, graph).toBytes();
}

export interface Bandwidth {
  /** bytes per second, best of the runs */
  bytesPerSecond: number;
  threads: number;
}

export async function measureBandwidth(threads: number, runs = 8): Promise<Bandwidth> {
  const session = await ort.InferenceSession.create(probeModel(), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const x = new ort.Tensor('float32', new Float32Array(K).fill(0.5), [1, K]);
    let best = Infinity;
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      await session.run({ x });
      if (i > 0) best = Math.min(best, performance.now() - t); // the first run warms up
    }
    return { bytesPerSecond: (K * N * 4) / (best / 1000), threads };
  } finally {
    await session.release();
  }
}
