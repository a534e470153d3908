/** `splitreason check --problem P --solution FILE`: judges each step of a student's solution with the CAS. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type StepCheck, checkSolution, firstIncorrect, hintProblem } from '../math';
import { solve } from '../split';
import { UsageError } from './args';
import { SESSION_HELP, SESSION_OPTIONS, budgetsFrom, openSession, policyFrom, pricesFrom } from './sessionArgs';
import { TraceWriter } from './traceWriter';

export const CHECK_HELP = `usage: splitreason check --problem "PROBLEM" --solution FILE [--json] [--explain] [options]
Judges each non-empty line of FILE (one step a line, math in $…$, \\(…\\), $$…$$, \\[…\\] or plain text)
with a computer algebra system: ✓ correct, ✗ incorrect (with what was expected), ? unknown.
  --problem TEXT       the problem the solution answers (its equation is what the first step must match)
  --solution FILE      the student's solution
  --json               one JSON object a line: {"type":"step",…} for each step, then {"type":"summary",…}
  --explain            then ask the split loop for a hint about the first wrong step (streamed like solve)
Options for --explain:
${SESSION_HELP}`;

const MARK: Record<StepCheck['verdict'], string> = { correct: '✓', incorrect: '✗', unknown: '?' };

function readSolution(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read the solution file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass an existing text file, one step a line`,
    );
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export async function checkCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SESSION_OPTIONS,
      problem: { type: 'string' },
      solution: { type: 'string' },
      json: { type: 'boolean' },
      explain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(CHECK_HELP);
    return 0;
  }
  if (!values.solution)
    throw new UsageError(`check needs --solution FILE, e.g. splitreason check --problem "Solve $2x + 3 = 11$." --solution work.md\n${CHECK_HELP}`);
  const problem = (values.problem ?? '').trim();
  const steps = readSolution(values.solution);
  if (steps.length === 0) throw new UsageError(`the solution file ${values.solution} has no non-empty lines; write one step a line`);
  const checks = checkSolution(problem, steps);
  const count = (v: StepCheck['verdict']) => checks.filter((c) => c.verdict === v).length;
  const first = firstIncorrect(checks);
  if (values.json) {
    checks.forEach((c, index) => {
      const step = { type: 'step', index, verdict: c.verdict, ...(c.expected !== undefined ? { expected: c.expected } : {}), message: c.message };
      process.stdout.write(JSON.stringify(step) + '\n');
    });
    const summary = {
      type: 'summary',
      steps: steps.length,
      correct: count('correct'),
      incorrect: count('incorrect'),
      unknown: count('unknown'),
      firstIncorrect: first < 0 ? null : first,
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    const width = String(steps.length).length;
    checks.forEach((c, i) => {
      process.stdout.write(`${MARK[c.verdict]} ${String(i + 1).padStart(width)}  ${steps[i]}\n`);
      process.stdout.write(`${' '.repeat(width + 4)}${c.message}${c.verdict === 'incorrect' && c.expected ? ` Expected: ${c.expected}` : ''}\n`);
    });
    const tail = first < 0 ? 'no step found wrong' : `first wrong step: ${first + 1}`;
    process.stdout.write(`\n${steps.length} steps: ${count('correct')} correct, ${count('incorrect')} incorrect, ${count('unknown')} unknown; ${tail}\n`);
  }
  if (values.explain) await explain(values, problem, steps, checks, first);
  return 0;
}

async function explain(
  values: Parameters<typeof openSession>[0] & { json?: boolean },
  problem: string,
  steps: string[],
  checks: StepCheck[],
  first: number,
): Promise<void> {
  if (first < 0) {
    if (!values.json) process.stdout.write('Nothing to explain: no step was found wrong.\n');
    return;
  }
  const hint = hintProblem({ problem, steps, index: first, check: checks[first] });
  const session = await openSession(values, (m) => console.error(m));
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    if (!values.json) process.stdout.write(`\nHint for step ${first + 1}:\n`);
    const writer = new TraceWriter((s) => process.stdout.write(s), !!process.stdout.isTTY && !process.env.NO_COLOR);
    for await (const e of solve({
      problem: hint,
      small: session.small,
      big: session.big,
      policy: policyFrom(values),
      budgets: budgetsFrom(values),
      prices: pricesFrom(values),
      signal: ac.signal,
    })) {
      if (values.json) process.stdout.write(JSON.stringify(e) + '\n');
      else writer.write(e);
    }
  } finally {
    process.off('SIGINT', onSigint);
    await session.dispose();
  }
}
