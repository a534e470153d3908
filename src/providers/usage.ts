import type { ProviderUsage } from './types';

/** Running token totals for BigModelProvider.usage(). */
export class UsageTotals {
  private totals: ProviderUsage | undefined;

  add(promptTokens: number, completionTokens: number): void {
    const t = this.totals ?? { promptTokens: 0, completionTokens: 0 };
    this.totals = { promptTokens: t.promptTokens + promptTokens, completionTokens: t.completionTokens + completionTokens };
  }

  get(): ProviderUsage | undefined {
    return this.totals && { ...this.totals };
  }
}
