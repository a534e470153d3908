/**
 * Where does the small model take back over? After each big-model token, the small model
 * would close the tag if its most likely next token starts `</bigmodel>`. One forward pass
 * over a whole chunk gives those logits for every position at once; a multi-token tag is
 * then confirmed by a short greedy rollout at the candidate position only.
 */
import { argmax, type Generator } from '../engine';

export interface ProbeResult {
  /** index of the chunk token after which the tag closes, or null if it stays open */
  after: number | null;
  /** the small model's logits after the last token now in the cache */
  logits: Float32Array;
  /** small-model token evaluations this probe cost */
  evaluations: number;
}

/**
 * Appends `tokens` and looks for the hand-back. On a hand-back the cache is rewound to just
 * after `tokens[after]` and the close tag is appended; otherwise all of `tokens` stay cached.
 */
export async function appendAndProbe(gen: Generator, tokens: number[], close: number[]): Promise<ProbeResult> {
  const base = gen.length;
  const vocab = gen.vocabSize;
  let logits: Float32Array = (await gen.append(tokens, { logits: 'all' }))!;
  let offset = 0; // chunk index of logits row 0
  let evaluations = tokens.length;
  for (let j = 0; j < tokens.length; j++) {
    const row = logits.slice((j - offset) * vocab, (j - offset + 1) * vocab);
    if (argmax(row) !== close[0]) continue;
    gen.rewind(base + j + 1);
    let confirmed = true;
    let last: Float32Array = row;
    for (let k = 0; k < close.length - 1 && confirmed; k++) {
      last = (await gen.append([close[k]], { logits: 'last' }))!;
      evaluations++;
      confirmed = argmax(last) === close[k + 1];
    }
    if (confirmed) {
      last = (await gen.append([close[close.length - 1]], { logits: 'last' }))!;
      return { after: j, logits: last, evaluations: evaluations + 1 };
    }
    // a false start: restore the chunk after j and keep scanning
    gen.rewind(base + j + 1);
    if (j + 1 < tokens.length) {
      logits = (await gen.append(tokens.slice(j + 1), { logits: 'all' }))!;
      offset = j + 1;
      evaluations += tokens.length - j - 1;
    } else {
      logits = row;
      offset = j;
    }
  }
  return { after: null, logits: logits.slice((tokens.length - 1 - offset) * vocab), evaluations };
}

/**
 * The reference method, for tests and the benchmark: after every big-model token, let the
 * small model generate `rollout` tokens greedily and hand back where they start with the
 * close tag. Leaves the cache as appendAndProbe would.
 */
export async function referenceHandback(gen: Generator, tokens: number[], close: number[], rollout = 6): Promise<ProbeResult> {
  let evaluations = 0;
  let logits: Float32Array | undefined;
  for (let j = 0; j < tokens.length; j++) {
    logits = (await gen.append([tokens[j]], { logits: 'last' }))!;
    evaluations++;
    const at = gen.length;
    const out: number[] = [];
    for (let r = 0; r < Math.max(rollout, close.length); r++) out.push(await gen.next({}));
    evaluations += out.length;
    gen.rewind(at);
    if (close.every((id, i) => out[i] === id)) {
      for (const id of close) logits = (await gen.append([id], { logits: 'last' }))!;
      return { after: j, logits, evaluations };
    }
    // rewind() dropped the last logits: restore them with the token we already had
    gen.rewind(at - 1);
    logits = (await gen.append([tokens[j]], { logits: 'last' }))!;
  }
  return { after: null, logits: logits!, evaluations };
}
