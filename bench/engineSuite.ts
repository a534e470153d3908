/** The engine benchmark over the bench models: engine vs transformers.js vs a bare session.run loop. */
import { availableParallelism } from 'node:os';
import { BENCH_MODELS, benchModel } from './models';
import { formatEngineBench, runEngineBench } from './engine';

export async function engineBench(names: string[], log: (s: string) => void): Promise<void> {
  for (const name of names.length ? names : Object.keys(BENCH_MODELS)) {
    if (!(name in BENCH_MODELS)) throw new Error(`unknown bench model '${name}': ${Object.keys(BENCH_MODELS).join(', ')}`);
    const opts = { dir: benchModel(name as keyof typeof BENCH_MODELS), context: 512, decode: name === 'mid' ? 32 : 128, threads: Math.min(2, availableParallelism()), repeats: 3 };
    log(formatEngineBench(name, opts, await runEngineBench(opts)));
  }
}

