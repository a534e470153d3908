/**
 * Engine speed against its peers on the same model file and threads: transformers.js
 * generate() (the peer), and a bare loop of session.run on pre-made inputs (the floor no host
 * code can beat: the same prefill split and cache feeding, nothing else). Repeats are interleaved (engine, peer, floor, engine, …) so that load from
 * other processes falls on all three alike. Prints tokens/s and ratios; never a test.
 */
import * as ort from 'onnxruntime-node';
import { basename, dirname, join } from 'node:path';
import { LocalModel } from '../src/engine';
import type { Provider } from '../src/engine/executionProviders';

export interface EngineBenchOptions {
  dir: string;
  /** one execution provider for all three runners: the comparison is of host code, not hardware */
  device: Provider;
  context: number;
  decode: number;
  threads: number;
  repeats: number;
}

interface Speed {
  prefill: number;
  decode: number;
}
export interface EngineBenchResult {
  engine: Speed;
  transformers?: Speed;
  bare: Speed;
}

interface Runner {
  measure(): Promise<Speed>;
  close(): Promise<void>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const prompt = (n: number) => Array.from({ length: n }, (_, i) => 32 + ((i * 7) % 90));
const perSecond = (tokens: number, ms: number) => tokens / (ms / 1000);

async function engineRunner(o: EngineBenchOptions): Promise<Runner> {
  const model = await LocalModel.load(o.dir, { device: o.device, threads: o.threads });
  if (model.device !== o.device) {
    await model.dispose();
    throw new Error(`the engine could not start ${o.device} and fell back to ${model.device}`);
  }
  return {
    async measure() {
      const g = await model.generator();
      let t = performance.now();
      await g.append(prompt(o.context), { logits: 'none' });
      const prefill = perSecond(o.context, performance.now() - t);
      t = performance.now();
      for await (const _ of g.generate({ maxTokens: o.decode })) void _;
      const decode = perSecond(o.decode, performance.now() - t);
      g.dispose();
      return { prefill, decode };
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
  const model = await tf.AutoModelForCausalLM.from_pretrained(basename(o.dir), {
    dtype: 'fp32',
    device: o.device,
    session_options: { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  } as never);
  const ids = new tf.Tensor('int64', BigInt64Array.from(prompt(o.context), BigInt), [1, o.context]);
  const run = async (n: number) => {
    const t = performance.now();
    await model.generate({ input_ids: ids, max_new_tokens: n, min_new_tokens: n, do_sample: false } as never);
    return performance.now() - t;
  };
  return {
    async measure() {
      const one = await run(1); // prefill plus one token
      const all = await run(o.decode + 1);
      return { prefill: perSecond(o.context, one), decode: perSecond(o.decode, all - one) };
    },
    close: async () => {
      await model.dispose();
    },
  };
}

async function bareRunner(o: EngineBenchOptions): Promise<Runner> {
  const probe = await LocalModel.load(o.dir, { device: 'cpu' });
  const cfg = probe.config;
  await probe.dispose();
  const session = await ort.InferenceSession.create(join(o.dir, 'onnx', 'model.onnx'), {
    executionProviders: [o.device],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
  });
  const feeds = (ids: number[], past: number, kv?: ort.InferenceSession.OnnxValueMapType) => {
    const f: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(past + ids.length).fill(1n), [1, past + ids.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(past + i)), [1, ids.length]),
    };
    for (let i = 0; i < cfg.num_hidden_layers; i++)
      for (const k of ['key', 'value'])
        f[`past_key_values.${i}.${k}`] = kv ? (kv[`present.${i}.${k}`] as ort.Tensor) : new ort.Tensor('float32', new Float32Array(0), [1, cfg.num_key_value_heads, 0, cfg.head_dim]);
    return f;
  };
  const presents = session.outputNames.filter((n) => n.startsWith('present.'));
  return {
    async measure() {
      // the engine's algorithm with no host code around it: the head only for the last position
      const ids = prompt(o.context);
      let t = performance.now();
      let kv = await session.run(feeds(ids.slice(0, -1), 0), presents);
      kv = await session.run(feeds(ids.slice(-1), o.context - 1, kv));
      const prefill = perSecond(o.context, performance.now() - t);
      // each step feeds the previous step's cache: no sampling, no bookkeeping, no messages
      t = performance.now();
      for (let i = 0; i < o.decode; i++) kv = await session.run(feeds([65], o.context + i, kv));
      return { prefill, decode: perSecond(o.decode, performance.now() - t) };
    },
    close: () => session.release(),
  };
}

export async function runEngineBench(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const runners = { engine: await engineRunner(o), transformers: await transformersRunner(o), bare: await bareRunner(o) };
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
  const med = (xs: Speed[]): Speed => ({ prefill: median(xs.map((x) => x.prefill)), decode: median(xs.map((x) => x.decode)) });
  return { engine: med(samples.engine), transformers: runners.transformers ? med(samples.transformers) : undefined, bare: med(samples.bare) };
}

export function formatEngineBench(name: string, o: EngineBenchOptions, r: EngineBenchResult): string {
  const f = (x: number) => x.toFixed(1).padStart(8);
  const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) + '×' : 'n/a');
  return [
    `model ${name} on ${o.device}: ${o.context} tokens of context, ${o.decode} decoded, ${o.threads} threads (median of ${o.repeats}, interleaved)`,
    `                    prefill tok/s   decode tok/s`,
    `  engine            ${f(r.engine.prefill)}        ${f(r.engine.decode)}`,
    `  transformers.js   ${r.transformers ? f(r.transformers.prefill) : '     n/a'}        ${r.transformers ? f(r.transformers.decode) : '     n/a'}`,
    `  bare session.run  ${f(r.bare.prefill)}        ${f(r.bare.decode)}`,
    `  engine / transformers.js: prefill ${ratio(r.engine.prefill, r.transformers?.prefill)}, decode ${ratio(r.engine.decode, r.transformers?.decode)}   (goal ≥ 1.2×)`,
    `  engine / bare loop:       prefill ${ratio(r.engine.prefill, r.bare.prefill)}, decode ${ratio(r.engine.decode, r.bare.decode)}   (goal ≥ 0.9×)`,
  ].join('\n');
}
