/**
 * The large model writes: an offloaded step (the small model takes back over at the first
 * position where it would close the tag itself), or the whole solve under `always`.
 */
import type { DoneReason, SegmentEndReason, TraceEvent, Trigger } from '../events';
import { bigUserMessage, renderPrompt, stripTags } from '../prompt';
import type { SolveContext } from '../solveContext';
import { Stop, segmentEndOf, stopReason } from '../stop';
import { BigText, type BigTextMode } from './bigText';
import { LINE_CLOSE } from './pendingLine';
import type { PhaseRun } from './phase';

/** `untagged`: the text stays in the small cache without tags, so no close tag is due. */
type Outcome = { reason: SegmentEndReason; error?: string; untagged?: boolean } | { stop: DoneReason };

export async function* offloadSegment(ctx: SolveContext, trigger: Trigger): PhaseRun {
  const cap = Math.max(
    0,
    Math.min(
      ctx.budgets.segmentCap,
      ctx.offloadLeft,
      ctx.budgets.maxTokens - ctx.stats.smallTokens - ctx.stats.bigTokens,
      ctx.contextLeft - ctx.tags.close.length - 1,
    ),
  );
  // a line the checker refused is rewritten at most to its end: the small model goes on from the next line
  const outcome = yield* bigSegment(ctx, trigger, cap, 'probe', trigger === 'verify');
  if ('stop' in outcome) return { name: 'done', reason: outcome.stop };
  // failed: keep the tag open, the small model writes this step itself
  if (outcome.reason === 'failed') return { name: 'small', trigger: 'failed', insideTag: true };
  if (outcome.reason !== 'handback' && !outcome.untagged) await ctx.gen.append(ctx.tags.close);
  return { name: 'small', trigger: outcome.reason === 'cap' ? 'cap' : 'handback', insideTag: false };
}

export async function* alwaysSegment(ctx: SolveContext): PhaseRun {
  const cap = Math.max(0, Math.min(ctx.budgets.maxTokens, ctx.offloadLeft, ctx.budgets.maxTokens - ctx.stats.smallTokens - ctx.stats.bigTokens));
  const outcome = yield* bigSegment(ctx, 'always', cap, 'show', false);
  if ('stop' in outcome) return { name: 'done', reason: outcome.stop };
  if (outcome.reason === 'failed') {
    // the large model failed alone: the small model carries on from what is shown
    await ctx.prefillSmall();
    return { name: 'small', trigger: 'failed', insideTag: false };
  }
  return { name: 'done', reason: outcome.reason === 'max-tokens' ? 'max-tokens' : 'eos' };
}

async function* bigSegment(ctx: SolveContext, trigger: Trigger, cap: number, mode: BigTextMode, toLineEnd: boolean): AsyncGenerator<TraceEvent, Outcome> {
  const big = ctx.opts.big!;
  const tok = ctx.opts.small.tokenizer;
  const { id, event } = ctx.beginSegment('big', trigger);
  yield event;
  const started = performance.now();
  const prefix = renderPrompt(tok, bigUserMessage(ctx.opts.problem));
  const reasoning = stripTags(ctx.visible, [ctx.split.openTag, ctx.split.closeTag]);
  ctx.stats.bigPromptTokens += tok.encode(prefix + reasoning).length;
  const text = new BigText(ctx, id, cap, mode, trigger === 'verify');
  const finish = (reason: SegmentEndReason, error?: string) => {
    ctx.stats.bigTokens += text.accepted.length;
    ctx.stats.bigMs += performance.now() - started;
    return ctx.endSegment(id, text.accepted.length, started, reason, { model: big.name, ...(error ? { error } : {}) });
  };
  let reason: SegmentEndReason = 'big-eos';
  try {
    if (ctx.bigDown) throw new Error(ctx.bigDown);
    let received = '';
    let done = false;
    const stream = big.continue({
      prompt: prefix + reasoning,
      chat: { problem: ctx.opts.problem, reasoning },
      maxTokens: cap,
      temperature: ctx.opts.bigTemperature,
      signal: ctx.abort.signal,
    });
    for await (const chunk of stream) {
      received += chunk.text;
      const nl = toLineEnd ? received.indexOf('\n') : -1;
      if (nl >= 0) {
        // the line's closing delimiter and newline are the small model's to write, after the close tag
        received = received.slice(0, nl).replace(LINE_CLOSE, '');
        break;
      }
      // the last token may still grow with the next chunk, and what may end the line may be the small model's: hold them back
      const ready = toLineEnd ? received.replace(LINE_CLOSE, '') : received;
      const r = await text.commit(tok.encode(ready).slice(0, -1), received);
      yield* r.events;
      if (r.handedBack) {
        done = true;
        reason = 'handback';
        break;
      }
      if (r.full) break;
      if (performance.now() > ctx.deadline) throw new Stop('timeout');
    }
    if (!done) {
      const r = await text.commit(tok.encode(received), received);
      yield* r.events;
      if (r.handedBack) reason = 'handback';
      else if (r.full) reason = mode === 'show' ? 'max-tokens' : 'cap';
    }
  } catch (e) {
    const stop = stopReason(e, ctx.abort.signal.aborted, !!ctx.opts.signal?.aborted);
    if (stop) {
      yield* finish(segmentEndOf(stop));
      return { stop };
    }
    const error = ctx.bigFailed(e);
    yield* finish('failed', error);
    return { reason: 'failed', error };
  }
  // a rewrite the small model never handed back from is not where it would put tags: tags there
  // shift the distances it copies across, so it reads the text as if it had written it
  const untagged = toLineEnd && reason !== 'handback' && text.accepted.length > 0;
  if (toLineEnd && text.accepted.length === 0) ctx.lineSettled = true;
  if (untagged) await text.untag(ctx.tags.open.length);
  yield* finish(reason);
  return { reason, untagged };
}
