/**
 * Engine speed against its peers on the same model file and threads: transformers.js
 * generate() (the peer), and a bare loop of session.run on pre-made inputs (the floor no host
 * code can beat: the same prefill split and cache feeding, nothing else). Repeats are interleaved (engine, peer, floor, engine, …) so that load from
 * other processes falls on all three alike. Prints tokens/s and ratios; never a test.
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { LocalModel } from '../src/engine';
import type { Provider } from '../src/engine/executionProviders';
import { resolveModelFolder } from '../src/engine/modelFolder';
import type { Dtype } from '../src/engine/types';
import { decoderFeeds } from './decoderFeeds';

export interface EngineBenchOptions {
  dir: string;
  /** one execution provider for all three runners: the comparison is of host code, not hardware */
  device: Provider;
  /** which onnx file of the folder (default fp32) */
  dtype?: Dtype;
  context: number;
  decode: number;
  threads: number;
  repeats: number;
}

export interface Speed {
  prefill: number;
  decode: number;
  /** ms from the request to the first generated token (prompt included) */
  ttft: number;
}
type RunnerName = 'engine' | 'transformers' | 'bare';
export interface EngineBenchResult {
  engine: Speed;
  transformers?: Speed;
  bare: Speed;
  /** ms to create each runner's session (model load) */
  loadMs: Partial<Record<RunnerName, number>>;
  /** bytes: the engine process's resident set after loading, and the most it held (load and runs) */
  engineRss: { afterLoad: number; peak: number };
}

interface Runner {
  loadMs: number;
  measure(): Promise<Speed>;
  close(): Promise<void>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const prompt = (n: number) => Array.from({ length: n }, (_, i) => 32 + ((i * 7) % 90));
const perSecond = (tokens: number, ms: number) => tokens / (ms / 1000);

async function engineRunner(o: EngineBenchOptions, rss: EngineBenchResult['engineRss']): Promise<Runner & { kvType: 'float32' | 'float16' }> {
  const t0 = performance.now();
  const model = await LocalModel.load(o.dir, { device: o.device, dtype: o.dtype, threads: o.threads });
  const loadMs = performance.now() - t0;
  if (model.device !== o.device) {
    await model.dispose();
    throw new Error(`the engine could not start ${o.device} and fell back to ${model.device}`);
  }
  // the engine's own process, which holds nothing but the model: the other runners live in this one
  rss.afterLoad = (await model.engineMemory())?.rss ?? 0;
  return {
    loadMs,
    kvType: model.kvType,
    async measure() {
      try {
        const t = performance.now();
        const g = await model.generator();
        await g.append(prompt(o.context), { logits: 'none' });
        const t1 = performance.now();
        let first = 0;
        for await (const _ of g.generate({ maxTokens: o.decode })) first ||= performance.now();
        const decode = perSecond(o.decode, performance.now() - t1);
        g.dispose();
        return { prefill: perSecond(o.context, t1 - t), decode, ttft: first - t };
      } finally {
        rss.peak = Math.max(rss.peak, (await model.engineMemory())?.maxRss ?? 0);
      }
    },
    close: () => model.dispose(),
  };
}

async function transformersRunner(o: EngineBenchOptions): Promise<Runner | undefined> {
  let tf: typeof import('@huggingface/transformers');
  try {
    tf = await import('@huggingface/transformers');
  } catch {
    return undefined; // a devDependency: not in the published extension
  }
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = dirname(o.dir);
  const onnxFile = resolveModelFolder(o.dir, o.dtype).onnxFile;
  const t0 = performance.now();
  const model = await tf.AutoModelForCausalLM.from_pretrained(basename(o.dir), {
    dtype: o.dtype ?? 'fp32',
    device: o.device,
    // a model over 2 GB keeps its weights in <file>_data beside it
    use_external_data_format: existsSync(`${onnxFile}_data`),
    session_options: { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  } as never);
  const loadMs = performance.now() - t0;
  const ids = new tf.Tensor('int64', BigInt64Array.from(prompt(o.context), BigInt), [1, o.context]);
  const run = async (n: number) => {
    const t = performance.now();
    await model.generate({ input_ids: ids, max_new_tokens: n, min_new_tokens: n, do_sample: false } as never);
    return performance.now() - t;
  };
  return {
    loadMs,
    async measure() {
      const one = await run(1); // prefill plus one token
      const all = await run(o.decode + 1);
      return { prefill: perSecond(o.context, one), decode: perSecond(o.decode, all - one), ttft: one };
    },
    close: async () => {
      await model.dispose();
    },
  };
}

async function bareRunner(o: EngineBenchOptions, kvType: 'float32' | 'float16'): Promise<Runner> {
  const { config: cfg, onnxFile } = resolveModelFolder(o.dir, o.dtype);
  const t0 = performance.now();
  const presents = [...Array(cfg.num_hidden_layers).keys()].flatMap((i) => [`present.${i}.key`, `present.${i}.value`]);
  const session = await ort.InferenceSession.create(onnxFile, {
    executionProviders: [o.device],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
    // on WebGPU the cache stays on the device between steps, as in the engine and transformers.js
    ...(o.device === 'webgpu' ? { preferredOutputLocation: Object.fromEntries(presents.map((n) => [n, 'gpu-buffer' as const])) } : {}),
  });
  const loadMs = performance.now() - t0;
  const feeds = decoderFeeds(cfg, kvType);
  return {
    loadMs,
    async measure() {
      // the engine's algorithm with no host code around it: the head only for the last position
      const ids = prompt(o.context);
      let t = performance.now();
      // a GPU cache is freed by hand once the next step has read it
      const step = async (f: Record<string, ort.Tensor>, kv: ort.InferenceSession.OnnxValueMapType | undefined, fetches?: string[]) => {
        const out = fetches ? await session.run(f, fetches) : await session.run(f);
        if (kv && o.device === 'webgpu') for (const n of presents) (kv[n] as ort.Tensor).dispose();
        return out;
      };
      // on WebGPU every output, always: onnxruntime-node keeps a bound run's outputs bound (src/engine/process/session.ts)
      let kv = await step(feeds(ids.slice(0, -1), 0), undefined, o.device === 'webgpu' ? undefined : presents);
      kv = await step(feeds(ids.slice(-1), o.context - 1, kv), kv);
      const ttft = performance.now() - t;
      const prefill = perSecond(o.context, ttft);
      // each step feeds the previous step's cache: no sampling, no bookkeeping, no messages
      t = performance.now();
      for (let i = 0; i < o.decode; i++) kv = await step(feeds([65], o.context + i, kv), kv);
      const decode = perSecond(o.decode, performance.now() - t);
      if (o.device === 'webgpu') for (const n of presents) (kv[n] as ort.Tensor).dispose();
      return { prefill, decode, ttft };
    },
    close: () => session.release(),
  };
}

export async function runEngineBench(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const engineRss = { afterLoad: 0, peak: 0 };
  const engine = await engineRunner(o, engineRss);
  const runners: Record<RunnerName, Runner | undefined> = { engine, transformers: undefined, bare: undefined };
  try {
    runners.transformers = await transformersRunner(o);
    runners.bare = await bareRunner(o, engine.kvType);
  } catch (e) {
    for (const runner of Object.values(runners)) await runner?.close();
    throw e;
  }
  const samples: Record<string, Speed[]> = { engine: [], transformers: [], bare: [] };
  try {
    for (let r = 0; r <= o.repeats; r++) {
      for (const [name, runner] of Object.entries(runners)) {
        if (!runner) continue;
        const s = await runner.measure();
        if (r > 0) samples[name].push(s); // round 0 warms up
      }
    }
  } finally {
    for (const runner of Object.values(runners)) await runner?.close();
  }
  const med = (xs: Speed[]): Speed => ({
    prefill: median(xs.map((x) => x.prefill)),
    decode: median(xs.map((x) => x.decode)),
    ttft: median(xs.map((x) => x.ttft)),
  });
  const loadMs = Object.fromEntries(Object.entries(runners).flatMap(([k, r]) => (r ? [[k, r.loadMs]] : [])));
  return {
    engine: med(samples.engine),
    transformers: runners.transformers ? med(samples.transformers) : undefined,
    bare: med(samples.bare),
    loadMs,
    engineRss,
  };
}

/** The physical limit of decoding: the bytes a token reads against the bandwidth measured in the same run. */
export interface DecodeLimit {
  perTokenBytes: number;
  bytesPerSecond: number;
}

export function formatEngineBench(name: string, o: EngineBenchOptions, r: EngineBenchResult, limit?: DecodeLimit): string {
  const f = (x: number | undefined, digits = 1, width = 8) => (x === undefined ? 'n/a' : x.toFixed(digits)).padStart(width);
  const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) + '×' : 'n/a');
  const GB = 1e9;
  const ofLimit = (s: Speed | undefined) => (limit && s ? `   ${f((s.decode * limit.perTokenBytes) / limit.bytesPerSecond, 2)}` : '');
  const row = (label: string, s: Speed | undefined, load: number | undefined) =>
    `  ${label.padEnd(18)}${f(s?.prefill)}      ${f(s?.decode)}   ${f(s?.ttft, 0)}   ${f(load, 0)}${ofLimit(s)}`;
  const gb = (bytes: number) => (bytes / GB).toFixed(2);
  const lines = [
    `model ${name} (${o.dtype ?? 'fp32'}) on ${o.device}: ${o.context} tokens of context, ${o.decode} decoded, ` +
      `${o.threads} threads (median of ${o.repeats}, interleaved)`,
    `                    prefill tok/s  decode tok/s  TTFT ms   load ms${limit ? '   of limit' : ''}`,
    row('engine', r.engine, r.loadMs.engine),
    row('transformers.js', r.transformers, r.loadMs.transformers),
    row('bare session.run', r.bare, r.loadMs.bare),
    `  engine / transformers.js: prefill ${ratio(r.engine.prefill, r.transformers?.prefill)}, ` +
      `decode ${ratio(r.engine.decode, r.transformers?.decode)}   (goal ≥ 1.2×)`,
    `  engine / bare loop:       prefill ${ratio(r.engine.prefill, r.bare.prefill)}, decode ${ratio(r.engine.decode, r.bare.decode)}   (goal ≥ 0.9×)`,
    `  engine process: ${gb(r.engineRss.afterLoad)} GB RSS after load, ${gb(r.engineRss.peak)} GB at most (load and runs); ` +
      `bench process peak RSS ${(process.resourceUsage().maxRSS / 1e6).toFixed(2)} GB (the other runners)`,
  ];
  if (limit) {
    const ceiling = limit.bytesPerSecond / limit.perTokenBytes;
    lines.push(
      `  physical limit: ${(limit.perTokenBytes / GB).toFixed(3)} GB of weights read per token ÷ ` +
        `${(limit.bytesPerSecond / GB).toFixed(1)} GB/s measured now on ${o.threads} threads = ${ceiling.toFixed(1)} tok/s;` +
        ` engine decode at ${(r.engine.decode / ceiling).toFixed(2)} of it (goal ≥ 0.6)`,
    );
  }
  return lines.join('\n');
}
