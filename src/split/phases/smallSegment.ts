/**
 * The small model writes: token by token in the engine, until its own open tag or a trigger
 * starts an offload, or the end of sequence, or a limit.
 */
import type { SegmentEndReason, Trigger } from '../events';
import type { SolveContext } from '../solveContext';
import { Stop, segmentEndOf } from '../stop';
import { usesTags } from '../policy';
import { tagMatcher, type HeldToken, type TagMatch } from '../tagMatcher';
import { PendingLine } from './pendingLine';
import type { PhaseRun } from './phase';

export async function* smallSegment(ctx: SolveContext, trigger: Trigger, insideTag: boolean): PhaseRun {
  const { id, event } = ctx.beginSegment('small', trigger);
  yield event;
  if (ctx.handbackLead) {
    yield* ctx.text(id, ctx.handbackLead);
    ctx.handbackLead = '';
  }
  const started = performance.now();
  const decoder = ctx.opts.small.tokenizer.streamDecoder();
  const matcher = tagMatcher(ctx.split.tags, {
    open: { ids: ctx.tags.open, text: ctx.split.openTag },
    close: { ids: ctx.tags.close, text: ctx.split.closeTag },
  });
  const held = ctx.verifier ? new PendingLine(ctx) : undefined;
  let tokens = 0;
  const end = (reason: SegmentEndReason) => {
    ctx.stats.smallMs += performance.now() - started;
    return ctx.endSegment(id, tokens, started, reason, { model: ctx.smallName });
  };
  const finish = (reason: SegmentEndReason) => [...ctx.text(id, (held?.takeAll() ?? '') + textOf(matcher.flush()) + decoder.flush()), ...end(reason)];
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
      const m = matcher.push({ id: token, text: decoder.push(token) });
      // text beside a tag inside its tokens ('text' tags) is shown like the released tokens
      const shown: HeldToken[] = [...m.release, ...(m.lead ? [{ id: -1, text: m.lead }] : [])];
      const offloadsHere = m.tag === 'open' && usesTags(ctx.policy.kind) && ctx.canOffload(true);
      if (m.trail && !offloadsHere) shown.push({ id: -1, text: m.trail });
      if (held && !insideTag) {
        // released tokens are the most recent ones the matcher held back
        const last = ctx.gen.length - 1 - m.span;
        shown.forEach((t, i) => held.push(t.text, last - (shown.length - 1 - i)));
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
      } else yield* ctx.text(id, textOf(shown));
      if (m.tag === 'open') {
        insideTag = true;
        if (offloadsHere) {
          if (ctx.split.tags === 'text') await canonicalOpenTag(ctx, m);
          yield* finish('offload');
          return { name: 'big', trigger: 'learned' };
        }
      } else if (m.tag === 'close') {
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

const textOf = (tokens: HeldToken[]) => tokens.map((t) => t.text).join('');

/**
 * The model wrote a text tag merged with its neighbours: its cache is rewritten to end with the
 * shown text and the tag's own ids, as the large model's text will follow a clean tag (what
 * came after the tag inside its last token is the offloaded step's to write).
 */
async function canonicalOpenTag(ctx: SolveContext, m: TagMatch): Promise<void> {
  ctx.gen.rewind(ctx.gen.length - m.span);
  await ctx.gen.append([...ctx.opts.small.tokenizer.encode(m.lead), ...ctx.tags.open]);
}
