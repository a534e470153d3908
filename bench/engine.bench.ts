/** npm run bench:engine [-- small|mid ...]: engine vs transformers.js vs a bare session.run loop. */
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

if (require.main === module) {
  engineBench(process.argv.slice(2), (s) => console.log(s)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
