/**
 * The SplitReason controller (docs/ARCHITECTURE.md §4): a state machine SMALL → BIG → SMALL … → DONE whose
 * phases (phases/) each run one segment, yield its trace events (§5) and name the next phase.
 * The small model runs in the engine process; this owns one of its generators for one solve.
 */
import type { LocalModel, SamplerSpec } from '../engine';
import type { BigModelProvider } from '../providers/types';
import { extractBoxed, type DoneReason, type TraceEvent } from './events';
import { alwaysSegment, offloadSegment } from './phases/bigSegment';
import type { Phase } from './phases/phase';
import { smallSegment } from './phases/smallSegment';
import type { PolicySpec } from './policy';
import { SolveContext } from './solveContext';
import type { SplitConfig } from './splitConfig';
import type { Prices } from './stats';
import { stopReason } from './stop';

export interface Budgets {
  /** big-model tokens (small-tokenizer units) per offloaded segment before the tag is forced closed */
  segmentCap: number;
  /** big-model tokens per solve; once spent, the small model writes tagged steps itself */
  maxOffloadTokens: number;
  /** generated tokens per solve, both models together */
  maxTokens: number;
  timeoutMs: number;
}

export { DEFAULT_BUDGETS } from './solveContext';

export interface SolveOptions {
  problem: string;
  small: LocalModel;
  big?: BigModelProvider;
  policy?: PolicySpec;
  budgets?: Partial<Budgets>;
  /** the small model's tags, hint and default policy; default: its folder's splitreason.json */
  split?: SplitConfig;
  sampler?: SamplerSpec;
  /** sampling settings passed to the large model */
  bigTemperature?: number;
  prices?: Prices;
  signal?: AbortSignal;
  /** names shown in the trace */
  smallName?: string;
}

function runPhase(ctx: SolveContext, phase: Exclude<Phase, { name: 'done' }>) {
  switch (phase.name) {
    case 'small':
      return smallSegment(ctx, phase.trigger, phase.insideTag);
    case 'big':
      return offloadSegment(ctx, phase.trigger);
    case 'always':
      return alwaysSegment(ctx);
  }
}

export async function* solve(opts: SolveOptions): AsyncGenerator<TraceEvent> {
  const ctx = new SolveContext(opts);
  yield {
    type: 'start',
    problem: opts.problem,
    smallModel: ctx.smallName,
    bigModel: opts.big?.name ?? 'none',
    device: opts.small.device,
    policy: ctx.policy.kind,
    time: Date.now(),
  };
  // the caller's cancellation, forwarded while the solve runs (a long-lived signal shared by many
  // solves, as in eval, must not collect a listener per solve)
  const forwardAbort = (): void => ctx.abort.abort();
  if (opts.signal?.aborted) ctx.abort.abort();
  opts.signal?.addEventListener('abort', forwardAbort, { once: true });
  let reason: DoneReason = 'eos';
  let error: Error | undefined;
  try {
    ctx.gen = await opts.small.generator({ entropy: ctx.policy.kind === 'entropy' });
    let phase: Phase;
    if (ctx.policy.kind === 'always' && opts.big) phase = { name: 'always' };
    else {
      await ctx.prefillSmall();
      phase = { name: 'small', trigger: 'start', insideTag: false };
    }
    while (phase.name !== 'done') phase = yield* runPhase(ctx, phase);
    reason = phase.reason;
  } catch (e) {
    const stop = stopReason(e, false, false);
    if (stop) reason = stop;
    else {
      error = e as Error;
      reason = 'error';
    }
  } finally {
    opts.signal?.removeEventListener('abort', forwardAbort);
    ctx.gen?.dispose();
    ctx.abort.abort();
  }
  if (error) yield { type: 'error', message: error.message, recoverable: false };
  yield ctx.stats.event();
  yield { type: 'done', answer: extractBoxed(ctx.visible), reason };
}
