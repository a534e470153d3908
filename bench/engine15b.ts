/**
 * `npm run bench:engine -- 1.5b`: the engine against its peers on a DeepSeek-R1-Distill-Qwen-1.5B-
 * shaped q4 model (bench/checkpoint15b.ts, converted by the product's own converter), with the
 * physical limit measured in the same run: the weight bytes a decoded token reads (from the ONNX
 * file) over this machine's memory bandwidth now (bench/bandwidth.ts, before and after, best kept).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { convertCheckpoint, DEFAULT_SYMMETRIC, fusedByDefault, type ConvertDtype } from '../src/convert';
import type { Provider } from '../src/engine/executionProviders';
import { resolveModelFolder } from '../src/engine/modelFolder';
import { measureBandwidth } from './bandwidth';
import { defaultCheckpointDir, qwen15bCheckpoint } from './checkpoint15b';
import { formatEngineBench, runEngineBench, type EngineBenchOptions } from './engine';
import { onnxWeights } from './onnxWeights';

/** The converted model folder, cached beside the checkpoint (converted only when missing). */
export async function converted15b(dtype: ConvertDtype, quantizeHead: boolean, log: (s: string) => void): Promise<string> {
  const hf = qwen15bCheckpoint(undefined, log);
  // the converter's defaults for the dtype (fused operators for q4, symmetric int4) name the cache, so a new default converts anew
  const dir = `${defaultCheckpointDir()}-${dtype}${quantizeHead ? '-head4' : ''}-${fusedByDefault(dtype) || 'plain'}${DEFAULT_SYMMETRIC ? '-sym' : ''}`;
  if (existsSync(join(dir, 'onnx'))) return dir;
  log(`converting ${hf} to ${dtype} (once; cached in ${dir})`);
  let shown = -1;
  const r = await convertCheckpoint(hf, dir, {
    dtype,
    quantizeHead,
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal));
      if (pct >= shown + 10) log(`  ${p.stage} ${p.tensorsDone}/${p.tensorsTotal} tensors, ${(shown = pct)} %`);
    },
  });
  log(`converted in ${r.seconds.toFixed(1)} s`);
  return dir;
}

export interface Bench15bOptions {
  device: Provider;
  /** q4 for the CPU, q4f16 for a GPU */
  dtype: ConvertDtype;
  /** int4 lm head: the 0.93 GB float head is otherwise a third of the bytes a token reads */
  quantizeHead: boolean;
  threads: number;
  repeats: number;
}

export async function engine15bBench(b: Bench15bOptions, log: (s: string) => void): Promise<void> {
  const { device, dtype, threads, repeats } = b;
  const dir = await converted15b(dtype, b.quantizeHead, log);
  const weights = onnxWeights(resolveModelFolder(dir, dtype).onnxFile);
  const gathered = Object.keys(weights.gathered).join(', ');
  log(
    `weights: ${(weights.totalBytes / 1e9).toFixed(3)} GB in the file, ${(weights.perTokenBytes / 1e9).toFixed(3)} GB read per token ` +
      `(gathered tables left out: ${gathered})`,
  );
  log(
    `ops: ${Object.entries(weights.ops)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  );
  const before = await measureBandwidth(threads);
  const opts: EngineBenchOptions = { dir, device, dtype, context: 512, decode: 128, threads, repeats };
  const result = await runEngineBench(opts);
  const after = await measureBandwidth(threads);
  const gbPerSecond = (m: { bytesPerSecond: number }) => (m.bytesPerSecond / 1e9).toFixed(1);
  log(`memory bandwidth on ${threads} threads: ${gbPerSecond(before)} GB/s before, ${gbPerSecond(after)} GB/s after (the higher is the limit)`);
  log(formatEngineBench('1.5b', opts, result, { perTokenBytes: weights.perTokenBytes, bytesPerSecond: Math.max(before.bytesPerSecond, after.bytesPerSecond) }));
}
