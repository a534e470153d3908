/**
 * What the engine itself generates greedily for a prompt, through its raw API (fresh
 * cache, one next() at a time): the reference the provider and server must reproduce.
 */
import type { LocalModel } from '../../src/engine';

export interface Reference {
  ids: number[];
  text: string;
  /** 'stop' when the model produced end of sequence within n tokens. */
  finish: 'stop' | 'length';
  /** Tokens sampled, the end-of-sequence token included. */
  completionTokens: number;
}

export async function engineGreedy(model: LocalModel, prompt: string | number[], n: number): Promise<Reference> {
  const gen = await model.generator();
  try {
    await gen.append(typeof prompt === 'string' ? model.tokenizer.encode(prompt) : prompt, { logits: 'last' });
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const { token: id } = await gen.next({ temperature: 0 });
      if (model.tokenizer.eosTokenIds.includes(id)) return { ids, text: model.tokenizer.decode(ids), finish: 'stop', completionTokens: i + 1 };
      ids.push(id);
    }
    return { ids, text: model.tokenizer.decode(ids), finish: 'length', completionTokens: n };
  } finally {
    gen.dispose();
  }
}
