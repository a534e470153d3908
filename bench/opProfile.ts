/**
 * Where decoding time goes, by operator: onnxruntime's own profiler over a few decode steps of a
 * model folder (same threads and options as the bench's bare loop), summed per op type.
 *
 *   node --import tsx bench/opProfile.ts MODEL_DIR [dtype] [threads] [steps] [context]
 */
import * as ort from 'onnxruntime-node';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { resolveModelFolder } from '../src/engine/modelFolder';
import type { Dtype } from '../src/engine/types';
import { decoderFeeds } from './decoderFeeds';

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

export async function profileDecode(dir: string, dtype: Dtype, threads: number, steps: number, context = 128): Promise<string> {
  const { config: cfg, onnxFile } = resolveModelFolder(dir, dtype);
  const prefix = join(tmpdir(), `splitreason-profile-${process.pid}`);
  const session = await ort.InferenceSession.create(onnxFile, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const kvHalf = session.inputNames.some((n) => n.startsWith('past_key_values')) && dtype.endsWith('f16');
  const feeds = decoderFeeds(cfg, kvHalf ? 'float16' : 'float32');
  let kv = await session.run(
    feeds(
      Array.from({ length: context }, (_, i) => 100 + i),
      0,
    ),
  );
  const t = performance.now();
  for (let i = 0; i < steps; i++) kv = await session.run(feeds([65], context + i, kv));
  const wall = performance.now() - t;
  session.endProfiling(); // writes <prefix>_<date>.json (the typings return nothing)
  await session.release();
  const name = readdirSync(tmpdir()).find((f) => f.startsWith(basename(prefix)) && f.endsWith('.json'));
  if (!name) throw new Error(`onnxruntime wrote no profile beside ${prefix}`);
  const file = join(tmpdir(), name);
  const events = JSON.parse(readFileSync(file, 'utf8')) as ProfileEvent[];
  rmSync(file, { force: true });
  // decode runs only: the last `steps` model_run events bound them
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(-steps);
  const from = (runs[0] as unknown as { ts: number }).ts;
  const byOp = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || (e as unknown as { ts: number }).ts < from) continue;
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    total += e.dur;
  }
  const perStep = `${(wall / steps).toFixed(1)} ms a step (${(steps / (wall / 1000)).toFixed(1)} tok/s)`;
  const lines = [`${steps} decode steps at ${context} tokens of context, ${threads} threads: ${perStep}; kernel time by op:`];
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 12))
    lines.push(`  ${op.padEnd(24)} ${(us / 1000 / steps).toFixed(2).padStart(8)} ms/step  ${((100 * us) / total).toFixed(1).padStart(5)} %`);
  lines.push(`  kernels ${(total / 1000 / steps).toFixed(1)} ms/step of ${(wall / steps).toFixed(1)} ms wall (the rest: session overhead, feeds, copies)`);
  return lines.join('\n');
}

if (require.main === module) {
  const [dir, dtype = 'q4', threads = '2', steps = '16', context = '128'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node --import tsx bench/opProfile.ts MODEL_DIR [dtype] [threads] [steps] [context]');
    process.exit(2);
  }
  profileDecode(dir, dtype as Dtype, Number(threads), Number(steps), Number(context)).then(console.log, (e) => {
    console.error(e);
    process.exit(1);
  });
}
