/**
 * Where does the small model take back over? After each big-model token, the small model
 * would close the tag if its most likely next token starts `</bigmodel>`. The engine finds
 * that in one forward pass over a whole chunk (Generator.probe, where the logits are); the
 * reference method below is the paper's, for tests and the benchmark.
 */
import type { Generator } from '../engine';

export interface ProbeResult {
  /** index of the chunk token after which the tag closes, or null if it stays open */
  after: number | null;
  /** small-model token evaluations this probe cost */
  evaluations: number;
}

/**
 * Appends `tokens` and looks for the hand-back. On a hand-back the cache is rewound to just
 * after `tokens[after]` and the close tag is appended; otherwise all of `tokens` stay cached.
 */
export function appendAndProbe(gen: Generator, tokens: number[], close: number[]): Promise<ProbeResult> {
  return gen.probe(tokens, close);
}

/**
 * The reference method: after every big-model token, let the small model generate `rollout`
 * tokens greedily and hand back where they start with the close tag. Leaves the cache as
 * appendAndProbe would.
 */
export async function referenceHandback(gen: Generator, tokens: number[], close: number[], rollout = 6): Promise<ProbeResult> {
  let evaluations = 0;
  for (let j = 0; j < tokens.length; j++) {
    await gen.append([tokens[j]]);
    evaluations++;
    const at = gen.length;
    const out: number[] = [];
    for (let r = 0; r < Math.max(rollout, close.length); r++) out.push((await gen.next({})).token);
    evaluations += out.length;
    gen.rewind(at);
    if (close.every((id, i) => out[i] === id)) {
      await gen.append(close);
      return { after: j, evaluations };
    }
    // rewind() dropped the last logits: restore them with the token we already had
    gen.rewind(at - 1);
    await gen.append([tokens[j]]);
  }
  return { after: null, evaluations };
}
