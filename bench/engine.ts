/**
 * Engine speed against its peers on the same model file and threads: transformers.js
 * generate() (the peer), and a bare loop of session.run on pre-made inputs (the floor no host
 * code can beat). Prints tokens/s and ratios; a benchmark, never a test.
 */
import * as ort from 'onnxruntime-node';
import { basename, dirname, join } from 'node:path';
import { LocalModel } from '../src/engine';

export interface EngineBenchOptions {
  dir: string;
  context: number;
  decode: number;
  threads: number;
  repeats: number;
}

export interface EngineBenchResult {
  engine: { prefill: number; decode: number };
  transformers?: { prefill: number; decode: number };
  bare: { prefill: number; decode: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const prompt = (n: number) => Array.from({ length: n }, (_, i) => 32 + ((i * 7) % 90));

async function engine(o: EngineBenchOptions): Promise<{ prefill: number; decode: number }> {
  const model = await LocalModel.load(o.dir, { device: 'cpu', threads: o.threads });
  const pre: number[] = [];
  const dec: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const g = await model.generator();
    let t = performance.now();
    await g.append(prompt(o.context), { logits: 'none' });
    pre.push(o.context / ((performance.now() - t) / 1000));
    t = performance.now();
    for await (const _ of g.generate({ maxTokens: o.decode })) void _;
    dec.push(o.decode / ((performance.now() - t) / 1000));
    g.dispose();
  }
  await model.dispose();
  return { prefill: median(pre), decode: median(dec) };
}

async function transformers(o: EngineBenchOptions): Promise<{ prefill: number; decode: number } | undefined> {
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
    device: 'cpu',
    session_options: { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  } as never);
  const ids = new tf.Tensor('int64', BigInt64Array.from(prompt(o.context), BigInt), [1, o.context]);
  const run = async (n: number) => {
    const t = performance.now();
    await model.generate({ input_ids: ids, max_new_tokens: n, min_new_tokens: n, do_sample: false } as never);
    return performance.now() - t;
  };
  const pre: number[] = [];
  const dec: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const one = await run(1); // prefill plus one sampled token
    const all = await run(o.decode + 1);
    pre.push(o.context / (one / 1000));
    dec.push(o.decode / ((all - one) / 1000));
  }
  await model.dispose();
  return { prefill: median(pre), decode: median(dec) };
}

async function bare(o: EngineBenchOptions, cfg: LocalModel['config']): Promise<{ prefill: number; decode: number }> {
  const session = await ort.InferenceSession.create(join(o.dir, 'onnx', 'model.onnx'), {
    executionProviders: ['cpu'],
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
  const pre: number[] = [];
  const dec: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const prefillFeeds = feeds(prompt(o.context), 0);
    let t = performance.now();
    const out = await session.run(prefillFeeds);
    pre.push(o.context / ((performance.now() - t) / 1000));
    // the same step inputs every time: no cache growth, no sampling, no host work at all
    const stepFeeds = feeds([65], o.context, out);
    t = performance.now();
    for (let i = 0; i < o.decode; i++) await session.run(stepFeeds);
    dec.push(o.decode / ((performance.now() - t) / 1000));
  }
  await session.release();
  return { prefill: median(pre), decode: median(dec) };
}

export async function runEngineBench(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const model = await LocalModel.load(o.dir, { device: 'cpu' });
  const cfg = model.config;
  await model.dispose();
  // interleave-free order, each measured with its own warm-up run
  return { engine: await engine(o), transformers: await transformers(o), bare: await bare(o, cfg) };
}

export function formatEngineBench(name: string, o: EngineBenchOptions, r: EngineBenchResult): string {
  const f = (x: number) => x.toFixed(1).padStart(8);
  const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) + '×' : 'n/a');
  const lines = [
    `model ${name}: ${o.context} tokens of context, ${o.decode} decoded, ${o.threads} threads (median of ${o.repeats})`,
    `                    prefill tok/s   decode tok/s`,
    `  engine            ${f(r.engine.prefill)}        ${f(r.engine.decode)}`,
    `  transformers.js   ${r.transformers ? f(r.transformers.prefill) : '     n/a'}        ${r.transformers ? f(r.transformers.decode) : '     n/a'}`,
    `  bare session.run  ${f(r.bare.prefill)}        ${f(r.bare.decode)}`,
    `  engine / transformers.js: prefill ${ratio(r.engine.prefill, r.transformers?.prefill)}, decode ${ratio(r.engine.decode, r.transformers?.decode)}   (goal ≥ 1.2×)`,
    `  engine / bare loop:       prefill ${ratio(r.engine.prefill, r.bare.prefill)}, decode ${ratio(r.engine.decode, r.bare.decode)}   (goal ≥ 0.9×)`,
  ];
  return lines.join('\n');
}
