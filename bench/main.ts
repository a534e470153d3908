/**
 * The benchmarks' own entry point (not shipped in the CLI bundle):
 *   npm run bench -- [engine [--device D] [small|mid ...] | handback | soak | load DIR [DTYPE]]
 * With no argument: engine and handback. Numbers depend on the machine and its load; each
 * benchmark prints ratios against a peer measured in the same run.
 */
import { engineBench } from './engineSuite';
import { handbackBench } from './handbackSuite';
import { SOAK_DEFAULTS, soakBench } from './soak';
import { loadTimeBench } from './loadTime';
import type { Dtype } from '../src/engine/types';

const USAGE = 'usage: npm run bench -- [engine [--device D] [small|mid ...] | handback | soak [SOLVES [WARMUP]] | load DIR [DTYPE]]';

async function main(argv: string[]): Promise<number> {
  const [which, ...rest] = argv;
  const log = (s: string) => console.log(s + '\n');
  if (which === '--help' || which === '-h') return (console.log(USAGE), 0);
  if (which === 'soak')
    await soakBench(log, { ...SOAK_DEFAULTS, solves: Number(rest[0] ?? SOAK_DEFAULTS.solves), warmup: Number(rest[1] ?? SOAK_DEFAULTS.warmup) });
  else if (which === 'load' && rest[0]) await loadTimeBench(log, rest[0], (rest[1] ?? 'fp32') as Dtype);
  else if (which === 'handback') await handbackBench(log);
  else if (which === 'engine') await engineBench(rest, log);
  else if (which === undefined) {
    await handbackBench(log);
    await engineBench([], log);
  } else return (console.error(`unknown benchmark '${which}'\n${USAGE}`), 2);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
