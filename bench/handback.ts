/**
 * Hand-back detection cost: one forward pass per streamed chunk (appendAndProbe) against the
 * reference method, a greedy rollout of `rollout` tokens after every large-model token.
 * Both run on the same traces; they must agree on every hand-back position.
 */
import { LocalModel } from '../src/engine';
import { appendAndProbe, referenceHandback } from '../src/split';

export interface HandbackTrace {
  /** small-model tokens up to and including the open tag */
  prefix: number[];
  /** the large model's tokens (small-tokenizer ids) that follow */
  tokens: number[];
}

export interface HandbackBenchResult {
  traces: number;
  handbacks: number;
  agree: number;
  onePass: { evaluations: number; runs: number; ms: number };
  reference: { evaluations: number; runs: number; ms: number };
}

export async function runHandbackBench(
  model: LocalModel,
  traces: HandbackTrace[],
  close: number[],
  opts: { chunk: number; rollout: number },
): Promise<HandbackBenchResult> {
  const r: HandbackBenchResult = {
    traces: traces.length,
    handbacks: 0,
    agree: 0,
    onePass: { evaluations: 0, runs: 0, ms: 0 },
    reference: { evaluations: 0, runs: 0, ms: 0 },
  };
  for (const t of traces) {
    // one pass: the tokens arrive in chunks, as a stream would deliver them
    const a = await model.generator();
    await a.append(t.prefix, { logits: 'none' });
    let at: number | null = null;
    let t0 = performance.now();
    for (let i = 0; i < t.tokens.length && at === null; i += opts.chunk) {
      const chunk = t.tokens.slice(i, i + opts.chunk);
      const p = await appendAndProbe(a, chunk, close);
      r.onePass.evaluations += p.evaluations;
      r.onePass.runs += 1 + (p.after !== null ? close.length : 0);
      if (p.after !== null) at = i + p.after;
    }
    r.onePass.ms += performance.now() - t0;
    a.dispose();

    const b = await model.generator();
    await b.append(t.prefix, { logits: 'none' });
    t0 = performance.now();
    const ref = await referenceHandback(b, t.tokens, close, opts.rollout);
    r.reference.ms += performance.now() - t0;
    r.reference.evaluations += ref.evaluations;
    r.reference.runs += ref.evaluations; // one token per run: rollouts are sequential
    b.dispose();
    if (ref.after === at) r.agree++;
    if (at !== null) r.handbacks++;
  }
  return r;
}

export function formatHandbackBench(label: string, o: { chunk: number; rollout: number }, r: HandbackBenchResult): string {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(1) + '×' : 'n/a');
  const row = (name: string, x: HandbackBenchResult['onePass']) =>
    `  ${name.padEnd(19)}${String(x.evaluations).padStart(12)}   ${String(x.runs).padStart(14)}   ${x.ms.toFixed(0).padStart(8)}`;
  const { onePass, reference } = r;
  return [
    `hand-back detection on ${label}: ${r.traces} traces, ${r.handbacks} hand-backs, positions agree on ${r.agree}/${r.traces}`,
    `  (one pass: chunks of ${o.chunk} tokens; reference: ${o.rollout}-token greedy rollout after every token)`,
    `                     token evaluations   forward passes    wall ms`,
    row('one pass', onePass),
    row('reference', reference),
    `  reference / one pass: evaluations ${ratio(reference.evaluations, onePass.evaluations)}, ` +
      `forward passes ${ratio(reference.runs, onePass.runs)}, wall time ${ratio(reference.ms, onePass.ms)}   (goal ≥ 10× fewer evaluations)`,
  ].join('\n');
}
