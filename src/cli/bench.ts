/** `splitreason bench [engine|handback] [small|mid]`: the benchmarks of bench/, with ratios. */
import { engineBench } from '../../bench/engineSuite';
import { handbackBench } from '../../bench/handbackSuite';
import { UsageError } from './args';

export const BENCH_HELP = `usage: splitreason bench [engine [small|mid ...] | handback]
  engine    engine vs transformers.js generate() vs a bare session.run loop (prefill and decode tok/s)
  handback  one-pass hand-back detection vs per-position rollouts (evaluations, forward passes, time)
With no argument, both. Benchmarks, not tests: numbers depend on the machine and its load.`;

export async function benchCommand(argv: string[]): Promise<number> {
  const [which, ...rest] = argv;
  if (which === '--help' || which === '-h') {
    console.log(BENCH_HELP);
    return 0;
  }
  if (which !== undefined && which !== 'engine' && which !== 'handback') throw new UsageError(`unknown benchmark '${which}'\n${BENCH_HELP}`);
  const log = (s: string) => console.log(s + '\n');
  if (which === undefined || which === 'handback') await handbackBench(log);
  if (which === undefined || which === 'engine') await engineBench(rest, log);
  return 0;
}
