/**
 * Traces for the hand-back benchmark. With the toy pair: the small model reasons until it
 * opens a tag, the large model writes what follows. Without it: a random-weight model and
 * random tokens, with a "close tag" the model often predicts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argmax, LocalModel } from '../src/engine';
import { seededRandom } from '../src/engine/random';
import { CLOSE_TAG, OPEN_TAG, bigUserMessage, renderPrompt, smallUserMessage } from '../src/split';
import type { HandbackTrace } from './handback';

export async function toyTraces(small: LocalModel, big: LocalModel, problems: string[], bigTokens = 48): Promise<HandbackTrace[]> {
  const st = small.tokenizer;
  const open = st.encode(OPEN_TAG);
  const traces: HandbackTrace[] = [];
  for (const problem of problems) {
    const g = await small.generator();
    const prompt = st.encode(renderPrompt(st, smallUserMessage(problem)));
    await g.append(prompt, { logits: 'none' });
    const written: number[] = [];
    for await (const t of g.generate({ maxTokens: 256, stopTokenIds: [open[open.length - 1], ...st.eosTokenIds] })) written.push(t);
    g.dispose();
    if (written.at(-1) !== open[open.length - 1]) continue; // no offload in this solve
    const visible = st.decode(written.slice(0, -open.length), { skipSpecialTokens: false }).replaceAll(OPEN_TAG, '').replaceAll(CLOSE_TAG, '');
    const bg = await big.generator();
    await bg.append(big.tokenizer.encode(renderPrompt(big.tokenizer, bigUserMessage(problem)) + visible), { logits: 'none' });
    const out: number[] = [];
    for await (const t of bg.generate({ maxTokens: bigTokens })) out.push(t);
    bg.dispose();
    traces.push({ prefix: [...prompt, ...written], tokens: st.encode(big.tokenizer.decode(out)) });
  }
  return traces;
}

export function toyProblems(root: string, n: number): string[] | undefined {
  for (const f of [join(root, 'models', 'toy-small', 'eval-set.jsonl'), join(root, 'tools', 'toy', 'eval-set.jsonl')]) {
    if (existsSync(f))
      return readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .slice(0, n)
        .map((l) => JSON.parse(l).problem as string);
  }
  return undefined;
}

export async function randomTraces(model: LocalModel, n: number, length = 48): Promise<{ traces: HandbackTrace[]; close: number[] }> {
  const rand = seededRandom(5);
  const prefix = [256, 258, 67, 111, 109, 112, 117, 116, 101, 259, 260, 10, 262];
  const traces = Array.from({ length: n }, () => ({ prefix, tokens: Array.from({ length }, () => 32 + Math.floor(rand() * 90)) }));
  // the token the model predicts most often stands in for the close tag
  const close = [(await mostPredicted(model, [...prefix, ...traces.flatMap((t) => t.tokens).slice(0, 400)]))[0]];
  return { traces, close };
}

/** The model's greedy predictions over `seq`, most frequent first. */
export async function mostPredicted(model: LocalModel, seq: number[]): Promise<number[]> {
  const g = await model.generator();
  const logits = (await g.append(seq, { logits: 'all' }))!;
  g.dispose();
  const counts = new Map<number, number>();
  const V = model.config.vocab_size;
  for (let i = 0; i < seq.length; i++) {
    const a = argmax(logits.subarray(i * V, (i + 1) * V));
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
}
