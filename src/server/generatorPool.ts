/**
 * The server's generators and a fair first-come-first-served queue in front of them. Each
 * generator keeps its KV cache between requests; a request gets the free generator whose
 * cache shares the longest prefix with its prompt.
 */
import type { LocalModel } from '../engine';
import { CachedGenerator } from '../providers/cachedGenerator';
import { HttpError } from './errors';

interface Waiter {
  promptIds: number[];
  resolve: (g: CachedGenerator) => void;
  reject: (e: unknown) => void;
}

export class GeneratorPool {
  private readonly free: CachedGenerator[] = [];
  private readonly waiting: Waiter[] = [];
  private created = 0;
  private closed = false;

  constructor(
    private readonly model: LocalModel,
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}

  /** Requests ahead of a new one. */
  get queued(): number {
    return this.waiting.length;
  }

  async acquire(promptIds: number[], signal: AbortSignal): Promise<CachedGenerator> {
    if (this.closed) throw new HttpError(503, 'the server is shutting down', 'server_error');
    if (this.free.length > 0 && this.waiting.length === 0) return this.take(promptIds);
    if (this.created < this.size) {
      this.created++;
      return new CachedGenerator(await this.model.generator(), () => this.model.generator());
    }
    if (this.waiting.length >= this.maxWaiting) {
      throw new HttpError(429, `the server is busy: ${this.waiting.length} requests are waiting; retry later`, 'rate_limit_error', null, 'queue_full', {
        'retry-after': '1',
      });
    }
    return new Promise<CachedGenerator>((resolve, reject) => {
      const w: Waiter = { promptIds, resolve, reject };
      this.waiting.push(w);
      signal.addEventListener(
        'abort',
        () => {
          const i = this.waiting.indexOf(w);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  release(g: CachedGenerator): void {
    if (this.closed) return g.dispose();
    this.free.push(g);
    const w = this.waiting.shift();
    if (w) w.resolve(this.take(w.promptIds));
  }

  /** Frees idle generators and turns away everyone waiting; busy ones are freed on release. */
  close(): void {
    this.closed = true;
    for (const g of this.free.splice(0)) g.dispose();
    for (const w of this.waiting.splice(0)) w.reject(new HttpError(503, 'the server is shutting down', 'server_error'));
  }

  private take(promptIds: number[]): CachedGenerator {
    let best = 0;
    let bestShared = -1;
    this.free.forEach((g, i) => {
      const t = g.tokens;
      let k = 0;
      while (k < t.length && k < promptIds.length && t[k] === promptIds[k]) k++;
      if (k > bestShared) [best, bestShared] = [i, k];
    });
    return this.free.splice(best, 1)[0];
  }
}
