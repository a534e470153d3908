/** Which limit ended a 'max-tokens' solve, for the end card (pure: tested in plain Node). */
import type { DoneEvent, StatsEvent } from '../split/events';

/**
 * A 'max-tokens' end names the limit it hit: the solve's budget when the tokens reached it,
 * else the small model's context (the toy pair's is 512 tokens, far below the default budget).
 */
export function withLimit(done: DoneEvent, stats: StatsEvent | undefined, maxTokens: number, contextTokens: number): DoneEvent {
  if (done.reason !== 'max-tokens' || !stats) return done;
  return stats.smallTokens + stats.bigTokens >= maxTokens
    ? { ...done, limit: 'budget', limitTokens: maxTokens }
    : { ...done, limit: 'context', limitTokens: contextTokens };
}
