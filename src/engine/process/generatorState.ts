/**
 * One generator's state inside the engine process: its KV cache, the logits after its last
 * token (never sent out unless asked for), the tokens it holds (for a rewind that replays them
 * when the cache lives on the GPU) and its sampler. Every transition is one method.
 */
import { argmax, createSampler, type Sampler } from '../sampler';
import { entropy } from '../tensorMath';
import type { LogitsMode, SamplerSpec, TagSpellings } from '../types';
import type { KvCache } from './kvCache';
import type { AppendResult, GeneratorOptions, NextResult, ProbeResult } from './protocol';
import type { DecoderSession } from './session';

export class GeneratorState {
  /** logits after the last cached token; undefined right after a rewind */
  private last?: Float32Array;
  private readonly tokens: number[] = [];
  /** next() calls with the same spec continue one seeded sequence; a new spec starts a new one */
  private nextSampler?: { key: string; sampler: Sampler };

  constructor(
    private readonly session: DecoderSession,
    private readonly cache: KvCache,
    private readonly options: GeneratorOptions,
  ) {}

  get length(): number {
    return this.tokens.length;
  }

  async append(ids: number[], mode: LogitsMode): Promise<AppendResult> {
    if (ids.length === 0) throw new Error('append needs at least one token id');
    const all = await this.run(ids, mode === 'all');
    const logits = mode === 'all' ? all : mode === 'last' ? this.last!.slice() : undefined;
    return { ...this.result(), logits };
  }

  async next(spec: SamplerSpec): Promise<NextResult> {
    const before = this.options.entropy ? this.entropy() : undefined;
    const token = this.sample(this.samplerFor(spec));
    await this.run([token], false);
    return { token, sampledEntropy: before, ...this.result() };
  }

  sample(sampler: Sampler): number {
    if (!this.last) throw new Error('no logits to sample from: append at least one token first (a rewind discards the last logits)');
    return sampler.sample(this.last);
  }

  async appendSampled(token: number): Promise<void> {
    await this.run([token], false);
  }

  /**
   * The hand-back probe (docs/ARCHITECTURE.md §4): appends `ids` in one forward pass and finds the first
   * position whose most likely next token starts the close tag; a multi-token tag is confirmed by a
   * greedy rollout there only. On a hand-back the cache is cut just after that position and
   * `close` is appended (after the small model's own text before the tag, for a text tag spelled
   * inside a larger token); otherwise all of `ids` stay cached.
   */
  async probe(ids: number[], close: number[], spellings?: TagSpellings): Promise<ProbeResult> {
    if (ids.length === 0 || close.length === 0) throw new Error('probe needs tokens to append and a close tag');
    const tag = spellings ? spelledTag(spellings) : exactTag(close);
    const base = this.length;
    const vocab = this.session.load.vocabSize;
    let logits = await this.run(ids, true);
    let offset = 0; // index in `ids` of logits row 0
    let evaluations = ids.length;
    for (let j = 0; j < ids.length; j++) {
      const row = logits!.subarray((j - offset) * vocab, (j - offset + 1) * vocab);
      const top = argmax(row);
      const first = tag.start(top);
      if (!first) continue;
      this.rewind(base + j + 1);
      this.last = row;
      const spelled = [top];
      let covered = first.covered;
      while (covered < tag.length) {
        await this.run([spelled[spelled.length - 1]], false);
        evaluations++;
        const token = argmax(this.last!);
        const next = tag.step(covered, token);
        if (next === undefined) break;
        spelled.push(token);
        covered = next;
      }
      if (covered >= tag.length) {
        if (first.lead.length === 0 && sameIds(spelled, close)) {
          await this.run([close[close.length - 1]], false);
          return { after: j, evaluations: evaluations + 1, lead: [], ...this.result() };
        }
        // spelled its own way: the cache gets the tag's own ids, as after any hand-back
        this.rewind(base + j + 1);
        await this.run([...first.lead, ...close], false);
        return { after: j, evaluations: evaluations + first.lead.length + close.length, lead: first.lead, ...this.result() };
      }
      // a false start: restore the tokens after j and keep scanning
      this.rewind(base + j + 1);
      this.last = row;
      if (j + 1 < ids.length) {
        logits = await this.run(ids.slice(j + 1), true);
        offset = j + 1;
        evaluations += ids.length - j - 1;
      }
    }
    return { after: null, evaluations, lead: [], ...this.result() };
  }

  /** A copy of the logits after the last token, for a caller that asks for them. */
  lastLogits(): Float32Array {
    if (!this.last) throw new Error('no logits: append at least one token first (a rewind discards the last logits)');
    return this.last.slice();
  }

  rewind(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.length) throw new Error(`rewind(${length}): the cache holds ${this.length} tokens`);
    this.tokens.length = length;
    this.cache.rewind(length);
    this.last = undefined;
  }

  dispose(): void {
    this.cache.dispose();
  }

  private samplerFor(spec: SamplerSpec): Sampler {
    const key = JSON.stringify(spec);
    if (this.nextSampler?.key !== key) this.nextSampler = { key, sampler: createSampler(spec) };
    return this.nextSampler.sampler;
  }

  private entropy(): number | undefined {
    return this.last ? entropy(this.last) : undefined;
  }

  private result(): { length: number; entropy?: number } {
    return { length: this.length, ...(this.options.entropy ? { entropy: this.entropy() } : {}) };
  }

  /** Runs `ids` after the cache (replaying a rewound GPU cache first); keeps the last logits. */
  private async run(ids: number[], all: boolean): Promise<Float32Array | undefined> {
    const pending = this.cache.pendingReplay(this.tokens);
    if (pending.length) await this.session.step(this.cache, pending, 'none');
    const logits = (await this.session.step(this.cache, ids, all ? 'all' : 'last'))!;
    this.tokens.push(...ids);
    this.last = all ? logits.subarray(logits.length - this.session.load.vocabSize) : logits;
    return all ? logits : undefined;
  }
}

/** How a probe recognises the close tag, one greedy token at a time; `covered` counts ids or characters. */
interface TagRecogniser {
  length: number;
  start(token: number): { covered: number; lead: number[] } | undefined;
  step(covered: number, token: number): number | undefined;
}

function exactTag(close: number[]): TagRecogniser {
  return {
    length: close.length,
    start: (t) => (t === close[0] ? { covered: 1, lead: [] } : undefined),
    step: (k, t) => (t === close[k] ? k + 1 : undefined),
  };
}

function spelledTag(s: TagSpellings): TagRecogniser {
  const start = new Map(s.start.map(([id, covered, lead]) => [id, { covered, lead }]));
  const next = new Map(s.next.map(([covered, tokens]) => [covered, new Map(tokens)]));
  return { length: s.length, start: (t) => start.get(t), step: (k, t) => next.get(k)?.get(t) };
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
