/**
 * Soak: many solves on the toy pair in one engine process each (small and local large), with
 * mixed policies and some cancelled mid-way. Prints resident memory of this process and of both
 * engine processes after a warm-up and at the end, and the open handles: memory that keeps
 * growing or handles that stay open are leaks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalModel } from '../src/engine';
import { LocalProvider } from '../src/providers';
import { solve, type PolicyKind } from '../src/split';
import { packageRoot } from '../src/cli/defaults';

export interface SoakOptions {
  solves: number;
  warmup: number;
  /** every n-th solve is cancelled after a few events */
  cancelEvery: number;
}

const POLICIES: PolicyKind[] = ['learned', 'never', 'entropy', 'random', 'cue', 'always'];

/** Resident set of a process in MB (Linux /proc); undefined elsewhere. */
function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function handles(): Record<string, number> {
  const count: Record<string, number> = {};
  for (const h of process.getActiveResourcesInfo()) count[h] = (count[h] ?? 0) + 1;
  return count;
}

/**
 * The warm-up is long because the engines' allocators settle over the first hundred or so solves
 * (800-solve runs, RSS every 100: +6–8 MB by solve 100, then flat within ±4 MB); measured from
 * solve 12, that settling read as 5–14 % growth.
 */
export const SOAK_DEFAULTS: SoakOptions = { solves: 200, warmup: 100, cancelEvery: 7 };

export async function soakBench(log: (s: string) => void, o: SoakOptions = SOAK_DEFAULTS): Promise<void> {
  // both sides collect garbage before each reading, so what is left is live memory (or native)
  process.env.SPLITREASON_ENGINE_EXEC_ARGV = `${process.env.SPLITREASON_ENGINE_EXEC_ARGV ?? ''} --expose-gc`;
  const root = packageRoot();
  const problems = readFileSync(join(root, 'models', 'toy-small', 'eval-set.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).problem as string);
  const small = await LocalModel.load(join(root, 'models', 'toy-small'), { device: 'cpu', threads: 1 });
  const bigModel = await LocalModel.load(join(root, 'models', 'toy-big'), { device: 'cpu', threads: 1 });
  const big = new LocalProvider({ model: bigModel });
  (await bigModel.generator()).dispose();
  const mb = (b?: number) => (b === undefined ? undefined : b / 2 ** 20);
  const snapshot = async () => {
    small.tokenizer.clearCache();
    bigModel.tokenizer.clearCache();
    global.gc?.();
    await new Promise((r) => setTimeout(r, 100)); // buffers freed by the collection are swept meanwhile
    global.gc?.();
    const [s, b] = [await small.engineMemory(), await bigModel.engineMemory()];
    return {
      caller: rssMb(process.pid),
      heap: mb(process.memoryUsage().heapUsed),
      small: mb(s?.rss),
      smallAnon: mb(s?.rssAnon),
      smallFile: mb(s?.rssFile),
      smallHeap: mb(s?.heapUsed),
      smallBuffers: mb(s?.arrayBuffers),
      big: mb(b?.rss),
      bigAnon: mb(b?.rssAnon),
      bigFile: mb(b?.rssFile),
      bigHeap: mb(b?.heapUsed),
      handles: handles(),
    };
  };
  let start = await snapshot();
  const ends: Record<string, number> = {};
  const t0 = performance.now();
  // resident memory every `every` solves: a leak grows in proportion, an allocator settling does not
  const every = Math.max(1, Math.round(o.solves / 8));
  const trend: { solves: number; small?: number; big?: number }[] = [];
  for (let i = 0; i < o.warmup + o.solves; i++) {
    if (i === o.warmup) start = await snapshot();
    if (i > o.warmup && (i - o.warmup) % every === 0) {
      const s = await snapshot();
      trend.push({ solves: i - o.warmup, small: s.small, big: s.big });
    }
    const ac = new AbortController();
    const cancel = i % o.cancelEvery === o.cancelEvery - 1;
    let events = 0;
    for await (const e of solve({
      problem: problems[i % problems.length],
      small,
      big,
      policy: { kind: POLICIES[i % POLICIES.length], seed: i },
      budgets: { maxTokens: 400 },
      signal: ac.signal,
    })) {
      if (cancel && ++events === 12) ac.abort();
      if (e.type === 'done') ends[e.reason] = (ends[e.reason] ?? 0) + 1;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const end = await snapshot();
  await big.dispose?.();
  await bigModel.dispose();
  await small.dispose();
  const row = (name: string, a?: number, b?: number) =>
    `  ${name.padEnd(14)} ${a?.toFixed(1) ?? '?'} MB -> ${b?.toFixed(1) ?? '?'} MB (${a && b ? `${(((b - a) / a) * 100).toFixed(1)} %` : 'n/a'})`;
  log(
    [
      `soak: ${o.solves} solves after ${o.warmup} warm-up ones, policies ${POLICIES.join('/')} in turn, ` +
        `every ${o.cancelEvery}th cancelled; ${seconds.toFixed(0)} s`,
      `  ends: ${JSON.stringify(ends)}`,
      'resident memory, after the warm-up -> at the end (goal: growth <= 5 %):',
      row('caller', start.caller, end.caller),
      row('caller heap', start.heap, end.heap),
      row('small engine', start.small, end.small),
      row('  anonymous', start.smallAnon, end.smallAnon),
      row('  file pages', start.smallFile, end.smallFile),
      row('  its heap', start.smallHeap, end.smallHeap),
      row('  its buffers', start.smallBuffers, end.smallBuffers),
      row('large engine', start.big, end.big),
      row('  anonymous', start.bigAnon, end.bigAnon),
      row('  file pages', start.bigFile, end.bigFile),
      row('  its heap', start.bigHeap, end.bigHeap),
      `engines' resident MB every ${every} solves (small/large): ${[
        { solves: 0, small: start.small, big: start.big },
        ...trend,
        { solves: o.solves, small: end.small, big: end.big },
      ]
        .map((t) => `${t.solves}: ${t.small?.toFixed(0)}/${t.big?.toFixed(0)}`)
        .join(', ')}`,
      `open handles after the warm-up: ${JSON.stringify(start.handles)}`,
      `open handles at the end:        ${JSON.stringify(end.handles)}`,
    ].join('\n'),
  );
}
