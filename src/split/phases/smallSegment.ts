/**
 * The small model writes: token by token in the engine, until its own open tag or a trigger
 * starts an offload, or the end of sequence, or a limit.
 */
import type { SegmentEndReason, Trigger } from '../events';
import type { SolveContext } from '../solveContext';
import { Stop, segmentEndOf } from '../stop';
import { TagMatcher } from '../tagMatcher';
import type { PhaseRun } from './phase';

export async function* smallSegment(ctx: SolveContext, trigger: Trigger, insideTag: boolean): PhaseRun {
  const { id, event } = ctx.beginSegment('small', trigger);
  yield event;
  const started = performance.now();
  const decoder = ctx.opts.small.tokenizer.streamDecoder();
  const matcher = new TagMatcher({ open: ctx.tags.open, close: ctx.tags.close });
  let tokens = 0;
  const finish = (reason: SegmentEndReason) => {
    const rest = ctx.text(id, matcher.flush().map((t) => decoder.push(t)).join('') + decoder.flush());
    ctx.stats.smallMs += performance.now() - started;
    return [...rest, ...ctx.endSegment(id, tokens, started, reason, { model: ctx.smallName })];
  };
  try {
    for (;;) {
      ctx.checkLimits();
      if (!insideTag && ctx.canOffload() && ctx.trigger.beforeToken?.({ entropy: ctx.gen.nextEntropy })) {
        await ctx.gen.append(ctx.tags.open);
        yield* finish('offload');
        return { name: 'big', trigger: ctx.policy.kind as Trigger };
      }
      const { token } = await ctx.gen.next(ctx.opts.sampler ?? {});
      tokens++;
      ctx.stats.smallTokens++;
      if (ctx.eos.has(token)) {
        yield* finish('eos');
        return { name: 'done', reason: 'eos' };
      }
      const { release, tag } = matcher.push(token);
      yield* ctx.text(id, release.map((t) => decoder.push(t)).join(''));
      if (tag === 'open') {
        insideTag = true;
        if (ctx.policy.kind === 'learned' && ctx.canOffload(true)) {
          yield* finish('offload');
          return { name: 'big', trigger: 'learned' };
        }
      } else if (tag === 'close') {
        insideTag = false;
      } else if (!insideTag && ctx.canOffload() && ctx.trigger.afterText?.(ctx.visible)) {
        await ctx.gen.append(ctx.tags.open);
        yield* finish('offload');
        return { name: 'big', trigger: ctx.policy.kind as Trigger };
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    yield* finish(segmentEndOf(e.reason));
    return { name: 'done', reason: e.reason };
  }
}
