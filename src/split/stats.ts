/** Counters of a solve and the `stats` event built from them (docs/ARCHITECTURE.md §5). */
import type { StatsEvent } from './events';

export interface Prices {
  /** USD per million tokens */
  smallPerMTok?: number;
  bigInputPerMTok?: number;
  bigOutputPerMTok?: number;
}

export class SolveStats {
  smallTokens = 0;
  bigTokens = 0;
  bigPromptTokens = 0;
  smallMs = 0;
  bigMs = 0;
  firstTextAt?: number;
  readonly startedAt = performance.now();

  constructor(
    private readonly prices: Prices = {},
    private readonly device?: string,
  ) {}

  markText(): void {
    this.firstTextAt ??= performance.now();
  }

  event(): StatsEvent {
    const total = this.smallTokens + this.bigTokens;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const p = this.prices;
    const cost =
      ((p.smallPerMTok ?? 0) * this.smallTokens + (p.bigInputPerMTok ?? 0) * this.bigPromptTokens + (p.bigOutputPerMTok ?? 0) * this.bigTokens) / 1e6;
    return {
      type: 'stats',
      smallTokens: this.smallTokens,
      bigTokens: this.bigTokens,
      offloadFraction: total ? this.bigTokens / total : 0,
      tokensPerSecond: seconds > 0 ? total / seconds : 0,
      smallTokensPerSecond: this.smallMs > 0 ? (this.smallTokens * 1000) / this.smallMs : undefined,
      bigTokensPerSecond: this.bigMs > 0 ? (this.bigTokens * 1000) / this.bigMs : undefined,
      timeToFirstTokenMs: this.firstTextAt === undefined ? undefined : this.firstTextAt - this.startedAt,
      costEstimate: cost,
      device: this.device,
    };
  }
}
