/**
 * Does the fused decoder (GraphOptions.fused) pay? The same weights converted twice by the
 * product's converter, plain and fused, timed as bare `session.run` loops (prefill of a
 * prompt, then single-token decode steps; bench/decoderFeeds.ts), rounds interleaved and the
 * order alternated so that load from other processes falls on both alike. Prints medians and
 * fused/plain ratios; never a test.
 *
 *   node --import tsx bench/fusedVsPlain.ts [mid-fp32] [mid-q4] [1.5b-q4] [--rounds 5] [--threads 2] [--context 512] [--decode 32]
 *
 * mid: bench/models.ts's mid shape, written once as a checkpoint in the temp dir and converted
 * both ways (a minute). 1.5b-q4: bench/checkpoint15b.ts's checkpoint with an int4 head, the plain
 * file shared with `npm run bench:engine -- 1.5b`, the fused one converted beside it (~5 min once).
 */
import * as ort from 'onnxruntime-node';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint, type ConvertDtype } from '../src/convert';
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

async function convertOnce(hf: string, out: string, dtype: ConvertDtype, fused: boolean, quantizeHead: boolean): Promise<string> {
  if (existsSync(join(out, 'onnx'))) return out;
  log(`converting ${hf} → ${out} (${dtype}, ${fused ? 'fused' : 'plain'}; once)`);
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

async function pairFor(name: string): Promise<Pair> {
  if (name === 'mid-fp32' || name === 'mid-q4') {
    const dtype = name === 'mid-q4' ? 'q4' : 'fp32';
    const hf = midCheckpoint();
    const out = (kind: string) => join(tmpdir(), `splitreason-bench-mid-${dtype}-${kind}-v1`);
    return { name, dtype, plain: await convertOnce(hf, out('plain'), dtype, false, true), fused: await convertOnce(hf, out('fused'), dtype, true, true) };
  }
  if (name === '1.5b-q4') {
    const plain = await converted15b('q4', true, log);
    const fused = await convertOnce(qwen15bCheckpoint(undefined, log), `${defaultCheckpointDir()}-q4-head4-fused`, 'q4', true, true);
    return { name, dtype: 'q4', plain, fused };
  }
  throw new Error(`unknown model '${name}': use mid-fp32, mid-q4 or 1.5b-q4`);
}

interface Timing {
  prefillMs: number;
  decodeTokS: number;
}

async function timeOnce(session: ort.InferenceSession, dir: string, dtype: ConvertDtype, context: number, decode: number): Promise<Timing> {
  const { config } = resolveModelFolder(dir, dtype);
  const feeds = decoderFeeds(config, dtype.endsWith('f16') ? 'float16' : 'float32');
  const prompt = Array.from({ length: context }, (_, i) => 32 + ((i * 7) % 90));
  let t = performance.now();
  let kv = await session.run(feeds(prompt, 0));
  const prefillMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < decode; i++) kv = await session.run(feeds([65 + (i % 26)], context + i, kv));
  return { prefillMs, decodeTokS: decode / ((performance.now() - t) / 1000) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitForQuiet(): Promise<void> {
  for (let waited = 0; loadavg()[0] > 2.5 && waited < 300; waited += 15) {
    log(`  load ${loadavg()[0].toFixed(2)} > 2.5: waiting`);
    await new Promise((r) => setTimeout(r, 15000));
  }
}

async function bench(p: Pair, o: { rounds: number; threads: number; context: number; decode: number }): Promise<string> {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: o.threads, interOpNumThreads: 1 };
  const files = { plain: resolveModelFolder(p.plain, p.dtype).onnxFile, fused: resolveModelFolder(p.fused, p.dtype).onnxFile };
  const sessions = { plain: await ort.InferenceSession.create(files.plain, options), fused: await ort.InferenceSession.create(files.fused, options) };
  const dirs = { plain: p.plain, fused: p.fused };
  const got: Record<'plain' | 'fused', Timing[]> = { plain: [], fused: [] };
  try {
    for (const kind of ['plain', 'fused'] as const) await timeOnce(sessions[kind], dirs[kind], p.dtype, 32, 4); // warm-up
    for (let r = 0; r < o.rounds; r++) {
      await waitForQuiet();
      const order = r % 2 ? (['fused', 'plain'] as const) : (['plain', 'fused'] as const);
      const line: string[] = [];
      for (const kind of order) {
        const t = await timeOnce(sessions[kind], dirs[kind], p.dtype, o.context, o.decode);
        got[kind].push(t);
        line.push(`${kind} prefill ${t.prefillMs.toFixed(0)} ms, decode ${t.decodeTokS.toFixed(2)} tok/s`);
      }
      log(`  ${p.name} round ${r + 1} (load ${loadavg()[0].toFixed(2)}): ${line.join('; ')}`);
    }
  } finally {
    await sessions.plain.release();
    await sessions.fused.release();
  }
  const m = (kind: 'plain' | 'fused', f: (t: Timing) => number) => median(got[kind].map(f));
  const prefill = { plain: m('plain', (t) => t.prefillMs), fused: m('fused', (t) => t.prefillMs) };
  const decode = { plain: m('plain', (t) => t.decodeTokS), fused: m('fused', (t) => t.decodeTokS) };
  const perRound = got.plain.map((t, i) => (got.fused[i].decodeTokS / t.decodeTokS).toFixed(3)).join(' ');
  return [
    `${p.name}: ${o.context}-token prefill, ${o.decode} decode steps, ${o.threads} threads, ${o.rounds} interleaved rounds (medians)`,
    `  prefill  plain ${prefill.plain.toFixed(0)} ms  fused ${prefill.fused.toFixed(0)} ms  speedup ${(prefill.plain / prefill.fused).toFixed(3)}x`,
    `  decode   plain ${decode.plain.toFixed(2)} tok/s  fused ${decode.fused.toFixed(2)} tok/s  speedup ${(decode.fused / decode.plain).toFixed(3)}x (per round: ${perRound})`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const num = (flag: string, d: number) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : d;
  };
  const o = { rounds: num('--rounds', 5), threads: num('--threads', 2), context: num('--context', 512), decode: num('--decode', 32) };
  const names = args.length ? args : ['mid-fp32', 'mid-q4', '1.5b-q4'];
  const pairs: Pair[] = [];
  for (const n of names) pairs.push(await pairFor(n));
  const out: string[] = [];
  for (const p of pairs) out.push(await bench(p, o));
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
