/** `splitreason solve "PROBLEM"`: one problem, streamed to the terminal or as JSON trace events. */
import { parseArgs } from 'node:util';
import { solve, withChecks } from '../split';
import { UsageError } from './args';
import { SESSION_HELP, SESSION_OPTIONS, budgetsFrom, openSession, policyFrom, pricesFrom } from './sessionArgs';
import { TraceWriter } from './traceWriter';

export const SOLVE_HELP = `usage: splitreason solve "PROBLEM" [options] [--json]
With no options it runs the bundled toy pair offline: models/toy-small offloads to models/toy-big.
${SESSION_HELP}
  --json               write only the trace events to stdout, one JSON object a line`;

export async function solveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...SESSION_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(SOLVE_HELP);
    return 0;
  }
  const problem = positionals.join(' ').trim();
  if (!problem) throw new UsageError(`solve needs a problem, e.g. splitreason solve "Compute $47 \\times 86 - 129$."\n${SOLVE_HELP}`);
  const policy = policyFrom(values);
  const budgets = budgetsFrom(values);
  const prices = pricesFrom(values);
  const session = await openSession(values, (m) => console.error(m));
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const writer = new TraceWriter((s) => process.stdout.write(s), !!process.stdout.isTTY && !process.env.NO_COLOR);
    let failed = false;
    for await (const e of withChecks(solve({ problem, small: session.small, big: session.big, policy, budgets, prices, signal: ac.signal }))) {
      if (values.json) process.stdout.write(JSON.stringify(e) + '\n');
      else writer.write(e);
      if (e.type === 'done') failed = e.reason === 'error';
    }
    return failed ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await session.dispose();
  }
}
