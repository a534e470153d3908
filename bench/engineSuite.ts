/** The engine benchmark over the bench models: engine vs transformers.js vs a bare session.run loop. */
import { availableParallelism } from 'node:os';
import { BENCH_MODELS, benchModel } from './models';
import { formatEngineBench, runEngineBench } from './engine';
import { engine15bBench } from './engine15b';
import { useBuiltEngine } from './builtEngine';
import { CONVERT_DTYPES, type ConvertDtype } from '../src/convert';
import type { Provider } from '../src/engine/executionProviders';
import { DEVICES as ALL_DEVICES } from '../src/engine/types';

const DEVICES = ALL_DEVICES.filter((d): d is Provider => d !== 'auto');

/**
 * args: bench model names, `--device cpu|webgpu|cuda|dml|coreml` (default cpu), `--repeats N` (default 3);
 * for 1.5b also `--dtype q4|q4f16|fp16|fp32` (default q4) and `--head int4|float` (default int4).
 */
export async function engineBench(args: string[], log: (s: string) => void): Promise<void> {
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? (args[at + 1] ?? '(missing)') : undefined;
  };
  const device = (flag('--device') ?? 'cpu') as Provider;
  if (!DEVICES.includes(device)) throw new Error(`--device ${device}: use one of ${DEVICES.join(', ')}`);
  const repeats = Number(flag('--repeats') ?? 3);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats ${flag('--repeats')}: use a whole number ≥ 1`);
  const dtype = (flag('--dtype') ?? 'q4') as ConvertDtype;
  if (!CONVERT_DTYPES.includes(dtype)) throw new Error(`--dtype ${dtype}: use one of ${CONVERT_DTYPES.join(', ')}`);
  const head = flag('--head') ?? 'int4';
  if (head !== 'int4' && head !== 'float') throw new Error(`--head ${head}: use int4 or float`);
  const names = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const threads = Math.min(2, availableParallelism());
  log(useBuiltEngine());
  for (const name of names.length ? names : Object.keys(BENCH_MODELS)) {
    // not in the default set: it writes a 3.5 GB checkpoint and converts it on first use
    if (name === '1.5b') {
      await engine15bBench({ device, dtype, quantizeHead: head === 'int4', threads, repeats }, log);
      continue;
    }
    if (!(name in BENCH_MODELS)) throw new Error(`unknown bench model '${name}': ${[...Object.keys(BENCH_MODELS), '1.5b'].join(', ')}`);
    const opts = { dir: benchModel(name as keyof typeof BENCH_MODELS), device, context: 512, decode: name === 'mid' ? 32 : 128, threads, repeats };
    log(formatEngineBench(name, opts, await runEngineBench(opts)));
  }
}
