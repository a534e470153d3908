/** The hand-back benchmark: on the toy pair when it is there, else on a random-weight model. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalModel } from '../src/engine';
import { CLOSE_TAG } from '../src/split';
import { packageRoot } from '../src/cli/defaults';
import { formatHandbackBench, runHandbackBench } from './handback';
import { randomTraces, toyProblems, toyTraces } from './handbackTraces';
import { benchModel } from './models';

export async function handbackBench(log: (s: string) => void, opts = { chunk: 4, rollout: 6, traces: 50 }): Promise<void> {
  const root = packageRoot();
  const smallDir = join(root, 'models', 'toy-small');
  const bigDir = join(root, 'models', 'toy-big');
  const problems = toyProblems(root, opts.traces * 2);
  if (existsSync(join(smallDir, 'onnx', 'model.onnx')) && existsSync(join(bigDir, 'onnx', 'model.onnx')) && problems) {
    const small = await LocalModel.load(smallDir, { device: 'cpu' });
    const big = await LocalModel.load(bigDir, { device: 'cpu' });
    const traces = (await toyTraces(small, big, problems)).slice(0, opts.traces);
    log(formatHandbackBench('the toy pair', opts, await runHandbackBench(small, traces, small.tokenizer.encode(CLOSE_TAG), opts)));
    await big.dispose();
    await small.dispose();
  } else {
    log('(models/toy-small and toy-big not found: using a random-weight model)');
    const model = await LocalModel.load(benchModel('small'), { device: 'cpu' });
    const { traces, close } = await randomTraces(model, Math.min(opts.traces, 20));
    log(formatHandbackBench('a random-weight model', opts, await runHandbackBench(model, traces, close, opts)));
    await model.dispose();
  }
}
