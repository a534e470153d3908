/**
 * One engine generator that remembers which tokens its KV cache holds, so a prompt that
 * extends the previous one (the next big-model segment of the same solve, a chat turn)
 * only prefills the new tokens.
 */
import type { Generator, GenerateOptions, SamplerSpec } from '../engine';

export class CachedGenerator {
  private ids: number[] = [];
  /** Seeded sampler specs this generator has run (see needsFreshSampler). */
  private readonly seeded = new Set<string>();

  /** @param fresh makes a new engine generator, for when this one's sampler state must be dropped */
  constructor(
    public gen: Generator,
    private readonly fresh?: () => Promise<Generator>,
  ) {}

  /** Tokens currently cached. */
  get tokens(): readonly number[] {
    return this.ids;
  }

  /**
   * The engine keeps one sampler per spec for a generator's whole life, so a seed repeated
   * on the same generator continues the old random sequence instead of restarting it. A
   * request's seed must reproduce its run: such a request gets a new engine generator.
   */
  private async restartSampling(sampler: SamplerSpec | undefined): Promise<void> {
    if (sampler?.seed === undefined || !this.fresh) return;
    const key = JSON.stringify(sampler);
    if (!this.seeded.has(key)) {
      this.seeded.add(key);
      return;
    }
    const gen = await this.fresh();
    this.gen.dispose();
    this.gen = gen;
    this.ids = [];
    this.seeded.clear();
    this.seeded.add(key);
  }

  /** Makes the cache hold exactly `promptIds`, reusing the longest shared prefix; returns tokens reused. */
  async prepare(promptIds: number[], sampler?: SamplerSpec): Promise<number> {
    if (promptIds.length === 0) throw new Error('cannot generate from an empty prompt');
    if (!this.gen.alive && this.fresh) {
      // the engine process died (and restarts with the next generator): nothing of the old cache is left
      this.gen = await this.fresh();
      this.ids = [];
      this.seeded.clear();
    }
    await this.restartSampling(sampler);
    let k = 0;
    const max = Math.min(this.ids.length, promptIds.length - 1); // re-append at least one token for fresh logits
    while (k < max && this.ids[k] === promptIds[k]) k++;
    if (k < this.gen.length) this.gen.rewind(k);
    this.ids = this.ids.slice(0, k);
    await this.gen.append(promptIds.slice(k));
    this.ids = promptIds.slice();
    return k;
  }

  /** Streams sampled tokens; each one yielded is in the cache, and nothing else is. */
  async *generate(opts: GenerateOptions): AsyncGenerator<number> {
    try {
      for await (const id of this.gen.generate(opts)) {
        this.ids.push(id);
        yield id;
      }
    } finally {
      // A stop part-way leaves tokens the engine made but nobody saw; drop them.
      if (this.gen.length > this.ids.length) this.gen.rewind(this.ids.length);
      if (this.gen.length < this.ids.length) this.ids.length = this.gen.length;
    }
  }

  /** Forgets the cache (after an error left it in an unknown state). */
  reset(): void {
    if (this.gen.alive && this.gen.length > 0) this.gen.rewind(0);
    this.ids = [];
  }

  dispose(): void {
    this.gen.dispose();
  }
}
