/**
 * `splitreason eval`: accuracy and offload per policy over a set of problems — the paper's
 * comparison. `random` is matched to `learned`'s measured offload fraction.
 */
import { parseArgs } from 'node:util';
import { solve, type PolicyKind, type PolicySpec, type StatsEvent, POLICY_KINDS } from '../split';
import { intArg, UsageError } from './args';
import { readEvalSet, sameAnswer, type EvalItem } from './evalSet';
import { SESSION_HELP, SESSION_OPTIONS, budgetsFrom, openSession, policyFrom, type Session } from './sessionArgs';

export const EVAL_HELP = `usage: splitreason eval --set FILE.jsonl [--policies never,always,random,learned] [--limit N] [--json] [options]
Each line of FILE is {"problem": "...", "answer": ...}; answers are compared as numbers from \\boxed{}.
random is matched to learned's offload fraction (learned runs first when both are asked for).
${SESSION_HELP}
  --limit N            only the first N problems
  --json               print the table as JSON`;

export interface EvalRow {
  policy: PolicyKind;
  problems: number;
  correct: number;
  accuracy: number;
  offloadFraction: number;
  smallTokens: number;
  bigTokens: number;
  tokensPerProblem: number;
  seconds: number;
  /** random only: the per-token offload chance used */
  ratio?: number;
}

interface PolicyRun {
  row: EvalRow;
  bigSegments: number;
}

async function runPolicy(
  items: EvalItem[],
  session: Session,
  policy: PolicySpec,
  opts: { budgets: ReturnType<typeof budgetsFrom>; progress: (done: number, correct: number) => void },
): Promise<PolicyRun> {
  const t0 = performance.now();
  let correct = 0;
  let small = 0;
  let big = 0;
  let bigSegments = 0;
  for (let i = 0; i < items.length; i++) {
    const bigIds = new Set<number>();
    let answer: string | null = null;
    let stats: StatsEvent | undefined; // the last one carries the solve's totals
    for await (const e of solve({
      problem: items[i].problem,
      small: session.small,
      big: session.big,
      policy: { ...policy, seed: (policy.seed ?? 0) + i },
      budgets: opts.budgets,
    })) {
      if (e.type === 'segment' && e.source === 'big') bigIds.add(e.id);
      else if (e.type === 'segmentEnd' && bigIds.has(e.id) && e.tokens > 0) bigSegments++;
      else if (e.type === 'stats') stats = e;
      else if (e.type === 'done') answer = e.answer;
    }
    small += stats?.smallTokens ?? 0;
    big += stats?.bigTokens ?? 0;
    if (sameAnswer(answer, items[i].answer)) correct++;
    opts.progress(i + 1, correct);
  }
  const total = small + big;
  return {
    bigSegments,
    row: {
      policy: policy.kind,
      problems: items.length,
      correct,
      accuracy: correct / items.length,
      offloadFraction: total ? big / total : 0,
      smallTokens: small,
      bigTokens: big,
      tokensPerProblem: total / items.length,
      seconds: (performance.now() - t0) / 1000,
      ratio: policy.kind === 'random' ? policy.ratio : undefined,
    },
  };
}

/** Chance per small token that yields fraction f when segments average L tokens: f = rL / (1 + rL). */
export function matchedRatio(fraction: number, meanSegment: number): number {
  if (fraction <= 0 || meanSegment <= 0) return 0;
  return Math.min(1, fraction / (meanSegment * (1 - fraction)));
}

export function formatTable(rows: EvalRow[]): string {
  const head = ['policy', 'accuracy', 'large-model tokens', 'tokens/problem', 'time (s)'];
  const body = rows.map((r) => [
    r.policy + (r.ratio !== undefined ? ` (p=${r.ratio.toFixed(4)})` : ''),
    `${(r.accuracy * 100).toFixed(1)} % (${r.correct}/${r.problems})`,
    `${(r.offloadFraction * 100).toFixed(1)} %`,
    r.tokensPerProblem.toFixed(1),
    r.seconds.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SESSION_OPTIONS,
      set: { type: 'string' },
      policies: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(EVAL_HELP);
    return 0;
  }
  if (!values.set) throw new UsageError(`eval needs --set FILE.jsonl\n${EVAL_HELP}`);
  const asked = (values.policies ?? 'never,always,random,learned').split(',').map((p) => p.trim()) as PolicyKind[];
  for (const p of asked) if (!POLICY_KINDS.includes(p)) throw new UsageError(`--policies: unknown policy '${p}' (use ${POLICY_KINDS.join(', ')})`);
  let items = readEvalSet(values.set);
  if (values.limit !== undefined) items = items.slice(0, intArg(values.limit, 'limit', items.length, 1));
  const base = policyFrom(values);
  const budgets = budgetsFrom(values);
  // learned runs before random so random can match its offload fraction
  const order = [...asked].sort((a, b) => (a === 'learned' && b === 'random' ? -1 : a === 'random' && b === 'learned' ? 1 : 0));
  const session = await openSession(values, (m) => console.error(m));
  const rows = new Map<PolicyKind, EvalRow>();
  try {
    let learned: PolicyRun | undefined;
    for (const kind of order) {
      const policy: PolicySpec = { ...base, kind };
      if (kind === 'random' && learned)
        policy.ratio = matchedRatio(learned.row.offloadFraction, learned.bigSegments ? learned.row.bigTokens / learned.bigSegments : 0);
      const progress = progressBar(kind, items.length);
      const run = await runPolicy(items, session, policy, { budgets, progress });
      if (kind === 'learned') learned = run;
      rows.set(kind, run.row);
    }
  } finally {
    await session.dispose();
  }
  const table = asked.map((k) => rows.get(k)!);
  if (values.json) console.log(JSON.stringify({ set: values.set, problems: items.length, rows: table }, null, 2));
  else console.log(formatTable(table));
  return 0;
}

function progressBar(label: string, total: number): (done: number, correct: number) => void {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return (done, correct) => {
    const text = `${label.padEnd(8)} ${done}/${total}  accuracy ${((correct / done) * 100).toFixed(1)} %`;
    if (tty) {
      const width = 24;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}${done === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor((done / total) * 10);
      if (decile !== lastDecile || done === total) process.stderr.write(text + '\n');
      lastDecile = decile;
    }
  };
}
