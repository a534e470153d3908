/**
 * Does the fused decoder (GraphOptions.fused) pay? The same weights converted by the product's
 * converter plain and with each fused choice, timed as bare `session.run` loops (prefill of a
 * prompt, then single-token decode steps; bench/decoderFeeds.ts), rounds interleaved and the
 * order rotated so that load from other processes falls on all alike. Prints medians and
 * speedups over plain; never a test.
 *
 *   node --import tsx bench/fusedOps.ts [mid-fp32] [mid-q4] [1.5b-q4] [--rounds 7] [--threads 2]
 *     [--context 512] [--decode 32] [--no-prefill] [--fused all,norms-rotary]
 *   (--rounds 0 only converts)
 *
 * mid: bench/models.ts's mid shape, written once as a checkpoint in the temp dir and converted
 * each way (a minute). 1.5b-q4: bench/checkpoint15b.ts's checkpoint with an int4 head, each file
 * converted beside it (~5 min each, once).
 */
import * as ort from 'onnxruntime-node';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint, DEFAULT_SYMMETRIC, FUSED_OPS, type ConvertDtype, type FusedOps } from '../src/convert';
import { randomWeights, testConfig, writeSafetensors } from '../src/engine/builder';
import { byteLevelTokenizerJson, tokenizerConfigJson } from '../src/engine/builder/tokenizerFiles';
import { resolveModelFolder } from '../src/engine/modelFolder';
import { defaultCheckpointDir, qwen15bCheckpoint } from './checkpoint15b';
import { decoderFeeds } from './decoderFeeds';
import { BENCH_MODELS } from './models';

interface Variants {
  name: string;
  dtype: ConvertDtype;
  /** model folders: 'plain' and one per fused choice */
  dirs: Record<string, string>;
}

const log = (s: string) => console.error(s);

/** The converter's int4 default names the caches, so a new default converts anew. */
const SYM = DEFAULT_SYMMETRIC ? '-sym' : '';

async function convertOnce(hf: string, out: string, dtype: ConvertDtype, fused: FusedOps | false, quantizeHead: boolean): Promise<string> {
  if (existsSync(join(out, 'onnx'))) return out;
  log(`converting ${hf} → ${out} (${dtype}, ${fused || 'plain'}; once)`);
  const r = await convertCheckpoint(hf, out, { dtype, fused, quantizeHead });
  log(`  ${r.seconds.toFixed(1)} s`);
  return out;
}

/** The mid bench shape as a Hugging Face checkpoint (seeded weights, byte-level tokenizer). */
function midCheckpoint(): string {
  const dir = join(tmpdir(), 'splitreason-bench-mid-ckpt-v1');
  if (existsSync(join(dir, 'model.safetensors'))) return dir;
  const config = testConfig(BENCH_MODELS.mid);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['Qwen2ForCausalLM'], torch_dtype: 'float32', ...config }, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(byteLevelTokenizerJson()));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(), null, 2));
  writeSafetensors(join(dir, 'model.safetensors'), randomWeights(config, 1));
  return dir;
}

async function variantsFor(name: string, fused: FusedOps[]): Promise<Variants> {
  const dirs: Record<string, string> = {};
  if (name === 'mid-fp32' || name === 'mid-q4') {
    const dtype = name === 'mid-q4' ? 'q4' : 'fp32';
    const hf = midCheckpoint();
    const out = (kind: string) => join(tmpdir(), `splitreason-bench-mid-${dtype}-${kind}${SYM}-v1`);
    dirs.plain = await convertOnce(hf, out('plain'), dtype, false, true);
    for (const f of fused) dirs[f] = await convertOnce(hf, out(f === 'all' ? 'fused' : f), dtype, f, true);
    return { name, dtype, dirs };
  }
  if (name === '1.5b-q4') {
    dirs.plain = await convertOnce(qwen15bCheckpoint(undefined, log), `${defaultCheckpointDir()}-q4-head4-plain${SYM}`, 'q4', false, true);
    for (const f of fused)
      dirs[f] = await convertOnce(qwen15bCheckpoint(undefined, log), `${defaultCheckpointDir()}-q4-head4-${f === 'all' ? 'fused' : f}${SYM}`, 'q4', f, true);
    return { name, dtype: 'q4', dirs };
  }
  throw new Error(`unknown model '${name}': use mid-fp32, mid-q4 or 1.5b-q4`);
}

/** wall ms and this process's CPU ms (onnxruntime's threads included) of one measurement */
interface Sample {
  wall: number;
  cpu: number;
}

async function timed(f: () => Promise<unknown>): Promise<Sample> {
  const c = process.cpuUsage();
  const t = performance.now();
  await f();
  const d = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (d.user + d.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitForQuiet(): Promise<void> {
  for (let waited = 0; loadavg()[0] > 2.5 && waited < 300; waited += 15) {
    log(`  load ${loadavg()[0].toFixed(2)} > 2.5: waiting`);
    await new Promise((r) => setTimeout(r, 15000));
  }
}

/**
 * Each round, in rotated order: a prefill of the prompt from an empty cache, then `decode`
 * single-token steps from the same cached prompt (so every round decodes at the same context).
 * Speedups are paired per round (plain time / fused time), so a burst of load from another
 * process spoils one round, not the medians.
 */
async function bench(v: Variants, o: { rounds: number; threads: number; context: number; decode: number; prefill: boolean }): Promise<string> {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: o.threads, interOpNumThreads: 1 };
  const kinds = Object.keys(v.dirs);
  const { config } = resolveModelFolder(v.dirs.plain, v.dtype);
  const feeds = decoderFeeds(config, v.dtype.endsWith('f16') ? 'float16' : 'float32');
  const prompt = Array.from({ length: o.context }, (_, i) => 32 + ((i * 7) % 90));
  const sessions: Record<string, ort.InferenceSession> = {};
  const cached: Record<string, ort.InferenceSession.OnnxValueMapType> = {};
  const prefill: Record<string, Sample[]> = {};
  const decode: Record<string, Sample[]> = {};
  try {
    for (const k of kinds) {
      sessions[k] = await ort.InferenceSession.create(resolveModelFolder(v.dirs[k], v.dtype).onnxFile, options);
      cached[k] = await sessions[k].run(feeds(prompt, 0));
      [prefill[k], decode[k]] = [[], []];
    }
    const steps = async (k: string) => {
      let kv = cached[k];
      for (let i = 0; i < o.decode; i++) kv = await sessions[k].run(feeds([65 + (i % 26)], o.context + i, kv));
    };
    for (const k of kinds) await steps(k); // warm-up
    for (let r = 0; r < o.rounds; r++) {
      await waitForQuiet();
      const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
      if (o.prefill) for (const k of order) prefill[k].push(await timed(() => sessions[k].run(feeds(prompt, 0))));
      for (const k of order) decode[k].push(await timed(() => steps(k)));
      const parts = kinds.map(
        (k) => `${k} ${o.prefill ? `${prefill[k][r].wall.toFixed(0)} ms, ` : ''}${(o.decode / (decode[k][r].wall / 1000)).toFixed(2)} tok/s`,
      );
      log(`  ${v.name} round ${r + 1} (load ${loadavg()[0].toFixed(2)}): ${parts.join('; ')}`);
    }
  } finally {
    for (const s of Object.values(sessions)) await s.release();
  }
  // Under another process's load the samples are bimodal (a 2-thread pool sharing 2 cores runs
  // ~3x slower), so the best round of each (the least disturbed) is shown beside the medians.
  const best = (xs: Sample[]) => Math.min(...xs.map((s) => s.wall));
  const line = (what: string, x: Record<string, Sample[]>, unit: (ms: number) => string) => {
    const out = [`  ${what.padEnd(8)} plain ${unit(median(x.plain.map((s) => s.wall)))} (best ${unit(best(x.plain))})`];
    for (const k of kinds.slice(1)) {
      const wall = x.plain.map((s, i) => s.wall / x[k][i].wall);
      const cpu = x.plain.map((s, i) => s.cpu / x[k][i].cpu);
      const rounds = `${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)}`;
      out.push(
        `           ${k.padEnd(13)} ${unit(median(x[k].map((s) => s.wall)))} (best ${unit(best(x[k]))})  speedup ${median(wall).toFixed(3)}x ` +
          `(rounds ${rounds}; best/best ${(best(x.plain) / best(x[k])).toFixed(3)}x; CPU time ${median(cpu).toFixed(3)}x)`,
      );
    }
    return out.join('\n');
  };
  return [
    `${v.name}: ${o.prefill ? `${o.context}-token prefill and ` : ''}${o.decode} decode steps at ${o.context} tokens of context, ` +
      `${o.threads} threads, ${o.rounds} interleaved rounds (medians; speedup = plain time / fused time, paired per round)`,
    ...(o.prefill ? [line('prefill', prefill, (ms) => `${ms.toFixed(0)} ms`)] : []),
    line('decode', decode, (ms) => `${(o.decode / (ms / 1000)).toFixed(2)} tok/s`),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const take = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const num = (flag: string, d: number) => Number(take(flag) ?? d);
  const fused = (take('--fused') ?? FUSED_OPS.join(',')).split(',') as FusedOps[];
  for (const f of fused) if (!FUSED_OPS.includes(f)) throw new Error(`--fused takes a comma-separated list of ${FUSED_OPS.join(', ')}; got '${f}'`);
  const noPrefill = args.indexOf('--no-prefill');
  if (noPrefill >= 0) args.splice(noPrefill, 1);
  const o = { rounds: num('--rounds', 7), threads: num('--threads', 2), context: num('--context', 512), decode: num('--decode', 32), prefill: noPrefill < 0 };
  const all: Variants[] = [];
  for (const n of args.length ? args : ['mid-fp32', 'mid-q4', '1.5b-q4']) all.push(await variantsFor(n, fused));
  // --rounds 0: convert only
  if (o.rounds === 0)
    return console.log(
      all
        .map(
          (v) =>
            `${v.name}: ${Object.entries(v.dirs)
              .map(([k, d]) => `${k} ${d}`)
              .join(', ')}`,
        )
        .join('\n'),
    );
  const out: string[] = [];
  for (const v of all) out.push(await bench(v, o));
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
