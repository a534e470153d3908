/**
 * The small model writes: token by token in the engine, until its own open tag or a trigger
 * starts an offload, or the end of sequence, or a limit.
 */
import type { SegmentEndReason, Trigger } from '../events';
import type { SolveContext } from '../solveContext';
import { Stop, segmentEndOf } from '../stop';
import { usesTags } from '../policy';
import { TagMatcher } from '../tagMatcher';
import { PendingLine } from './pendingLine';
import type { PhaseRun } from './phase';

export async function* smallSegment(ctx: SolveContext, trigger: Trigger, insideTag: boolean): PhaseRun {
  const { id, event } = ctx.beginSegment('small', trigger);
  yield event;
  const started = performance.now();
  const decoder = ctx.opts.small.tokenizer.streamDecoder();
  const matcher = new TagMatcher({ open: ctx.tags.open, close: ctx.tags.close });
  const held = ctx.verifier ? new PendingLine(ctx) : undefined;
  let tokens = 0;
  const end = (reason: SegmentEndReason) => {
    ctx.stats.smallMs += performance.now() - started;
    return ctx.endSegment(id, tokens, started, reason, { model: ctx.smallName });
  };
  const finish = (reason: SegmentEndReason) => [
    ...ctx.text(id, (held?.takeAll() ?? '') + matcher.flush().map((t) => decoder.push(t)).join('') + decoder.flush()),
    ...end(reason),
  ];
  try {
    for (;;) {
      ctx.checkLimits();
      if (!insideTag && ctx.canOffload() && ctx.trigger.beforeToken?.({ entropy: ctx.gen.nextEntropy })) {
        await ctx.gen.append(ctx.tags.open);
        yield* finish('offload');
        return { name: 'big', trigger: ctx.policy.kind as Trigger };
      }
      const { token } = await ctx.gen.next(ctx.smallSampler);
      tokens++;
      ctx.stats.smallTokens++;
      if (ctx.eos.has(token)) {
        yield* finish('eos');
        return { name: 'done', reason: 'eos' };
      }
      const { release, tag } = matcher.push(token);
      if (held && !insideTag) {
        // released tokens are the most recent ones the matcher held back
        const last = ctx.gen.length - 1;
        release.forEach((t, i) => held.push(decoder.push(t), last - (release.length - 1 - i)));
        // a part an `=` closed is judged at once, a completed line always
        for (let judged = held.judgePart(); judged || held.complete; judged = null) {
          const { show, rewound } = judged ?? held.judge();
          yield* ctx.text(id, show);
          if (rewound) {
            // what the matcher and decoder still hold was rewound with the line: not shown
            await ctx.gen.append(ctx.tags.open);
            yield* end('offload');
            return { name: 'big', trigger: 'verify' };
          }
        }
      } else yield* ctx.text(id, release.map((t) => decoder.push(t)).join(''));
      if (tag === 'open') {
        insideTag = true;
        if (usesTags(ctx.policy.kind) && ctx.canOffload(true)) {
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
