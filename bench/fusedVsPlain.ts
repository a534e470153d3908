/**
 * Does the fused decoder (GraphOptions.fused) pay? The same weights converted twice by the
 * product's converter, plain and fused, timed as bare `session.run` loops (prefill of a
 * prompt, then single-token decode steps; bench/decoderFeeds.ts), rounds interleaved and the
 * order alternated so that load from other processes falls on both alike. Prints medians and
 * fused/plain ratios; never a test.
 *
 *   node --import tsx bench/fusedVsPlain.ts [mid-fp32] [mid-q4] [1.5b-q4] [--rounds 7] [--threads 2] [--context 512] [--decode 32] [--no-prefill] [--fused all|norms-rotary]
 *   (--rounds 0 only converts)
 *
 * mid: bench/models.ts's mid shape, written once as a checkpoint in the temp dir and converted
 * both ways (a minute). 1.5b-q4: bench/checkpoint15b.ts's checkpoint with an int4 head, the plain
 * file shared with `npm run bench:engine -- 1.5b`, the fused one converted beside it (~5 min once).
 */
import * as ort from 'onnxruntime-node';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint, FUSED_OPS, type ConvertDtype, type FusedOps } from '../src/convert';
import { randomWeights, testConfig, writeSafetensors } from '../src/engine/builder';
import { byteLevelTokenizerJson, tokenizerConfigJson } from '../src/engine/builder/tokenizerFiles';
import { resolveModelFolder } from '../src/engine/modelFolder';
import { defaultCheckpointDir, qwen15bCheckpoint } from './checkpoint15b';
import { decoderFeeds } from './decoderFeeds';
import { converted15b } from './engine15b';
import { BENCH_MODELS } from './models';

interface Pair {
  name: string;
  dtype: ConvertDtype;
  plain: string;
  fused: string;
}

const log = (s: string) => console.error(s);

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

async function pairFor(name: string, which: FusedOps): Promise<Pair> {
  if (name === 'mid-fp32' || name === 'mid-q4') {
    const dtype = name === 'mid-q4' ? 'q4' : 'fp32';
    const hf = midCheckpoint();
    const out = (kind: string) => join(tmpdir(), `splitreason-bench-mid-${dtype}-${kind}-v1`);
    return {
      name: `${name} vs fused ${which}`,
      dtype,
      plain: await convertOnce(hf, out('plain'), dtype, false, true),
      fused: await convertOnce(hf, out(which === 'all' ? 'fused' : which), dtype, which, true),
    };
  }
  if (name === '1.5b-q4') {
    const plain = await converted15b('q4', true, log);
    const fused = await convertOnce(
      qwen15bCheckpoint(undefined, log),
      `${defaultCheckpointDir()}-q4-head4-${which === 'all' ? 'fused' : which}`,
      'q4',
      which,
      true,
    );
    return { name: `${name} vs fused ${which}`, dtype: 'q4', plain, fused };
  }
  throw new Error(`unknown model '${name}': use mid-fp32, mid-q4 or 1.5b-q4`);
}

type Kind = 'plain' | 'fused';
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
 * Each round, in alternating order: a prefill of the prompt from an empty cache, then `decode`
 * single-token steps from the same cached prompt (so every round decodes at the same context).
 * Paired fused/plain ratios per round, so a burst of load from another process spoils one pair,
 * not the medians.
 */
async function bench(p: Pair, o: { rounds: number; threads: number; context: number; decode: number; prefill: boolean }): Promise<string> {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: o.threads, interOpNumThreads: 1 };
  const { config } = resolveModelFolder(p.plain, p.dtype);
  const feeds = decoderFeeds(config, p.dtype.endsWith('f16') ? 'float16' : 'float32');
  const prompt = Array.from({ length: o.context }, (_, i) => 32 + ((i * 7) % 90));
  const sessions = {
    plain: await ort.InferenceSession.create(resolveModelFolder(p.plain, p.dtype).onnxFile, options),
    fused: await ort.InferenceSession.create(resolveModelFolder(p.fused, p.dtype).onnxFile, options),
  };
  const prefill: Record<Kind, Sample[]> = { plain: [], fused: [] };
  const decode: Record<Kind, Sample[]> = { plain: [], fused: [] };
  try {
    const cached = { plain: await sessions.plain.run(feeds(prompt, 0)), fused: await sessions.fused.run(feeds(prompt, 0)) };
    const steps = async (kind: Kind) => {
      let kv = cached[kind];
      for (let i = 0; i < o.decode; i++) kv = await sessions[kind].run(feeds([65 + (i % 26)], o.context + i, kv));
    };
    for (const kind of ['plain', 'fused'] as const) await steps(kind); // warm-up
    for (let r = 0; r < o.rounds; r++) {
      await waitForQuiet();
      const order: Kind[] = r % 2 ? ['fused', 'plain'] : ['plain', 'fused'];
      if (o.prefill) for (const kind of order) prefill[kind].push(await timed(() => sessions[kind].run(feeds(prompt, 0))));
      for (const kind of order) decode[kind].push(await timed(() => steps(kind)));
      const tokS = (k: Kind) => (o.decode / (decode[k][r].wall / 1000)).toFixed(2);
      log(
        `  ${p.name} round ${r + 1} (load ${loadavg()[0].toFixed(2)}): ${o.prefill ? `prefill plain ${prefill.plain[r].wall.toFixed(0)} / fused ${prefill.fused[r].wall.toFixed(0)} ms; ` : ''}decode plain ${tokS('plain')} / fused ${tokS('fused')} tok/s`,
      );
    }
  } finally {
    await sessions.plain.release();
    await sessions.fused.release();
  }
  // speedup = plain time / fused time, per round (paired), then the median and the range
  const speedups = (x: Record<Kind, Sample[]>, f: (s: Sample) => number) => x.plain.map((s, i) => f(s) / f(x.fused[i]));
  const line = (what: string, x: Record<Kind, Sample[]>, unit: (ms: number) => string) => {
    const wall = speedups(x, (s) => s.wall);
    const cpu = speedups(x, (s) => s.cpu);
    return (
      `  ${what.padEnd(8)} plain ${unit(median(x.plain.map((s) => s.wall)))}  fused ${unit(median(x.fused.map((s) => s.wall)))}  ` +
      `speedup ${median(wall).toFixed(3)}x (rounds ${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)}; CPU time ${median(cpu).toFixed(3)}x)`
    );
  };
  return [
    `${p.name}: ${o.context}-token prefill and ${o.decode} decode steps at ${o.context} tokens of context, ${o.threads} threads, ${o.rounds} interleaved rounds (medians; speedup = plain time / fused time, paired per round)`,
    ...(o.prefill ? [line('prefill', prefill, (ms) => `${ms.toFixed(0)} ms`)] : []),
    line('decode', decode, (ms) => `${(o.decode / (ms / 1000)).toFixed(2)} tok/s`),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const num = (flag: string, d: number) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : d;
  };
  const w = args.indexOf('--fused');
  const which = w >= 0 ? (args.splice(w, 2)[1] as FusedOps) : 'all';
  if (!FUSED_OPS.includes(which)) throw new Error(`--fused must be one of ${FUSED_OPS.join(', ')}`);
  const noPrefill = args.indexOf('--no-prefill');
  if (noPrefill >= 0) args.splice(noPrefill, 1);
  const o = { rounds: num('--rounds', 7), threads: num('--threads', 2), context: num('--context', 512), decode: num('--decode', 32), prefill: noPrefill < 0 };
  const names = args.length ? args : ['mid-fp32', 'mid-q4', '1.5b-q4'];
  const pairs: Pair[] = [];
  for (const n of names) pairs.push(await pairFor(n, which));
  if (o.rounds === 0) return console.log(pairs.map((p) => `${p.name}: plain ${p.plain}, fused ${p.fused}`).join('\n')); // --rounds 0: convert only
  const out: string[] = [];
  for (const p of pairs) out.push(await bench(p, o));
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
