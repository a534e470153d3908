/**
 * The SplitReason controller (DESIGN.md §4): an explicit state machine SMALL → BIG → SMALL …
 * → DONE that emits trace events (§5). The small model runs in the engine's worker; this
 * object owns one small-model generator and the bookkeeping of one solve.
 */
import type { Generator, LocalModel, SamplerSpec } from '../engine';
import { isProviderError, type BigModelProvider } from '../providers/types';
import { extractBoxed, type DoneReason, type SegmentEndReason, type SegmentSource, type TraceEvent, type Trigger } from './events';
import { appendAndProbe } from './handback';
import { createTrigger, validatePolicy, type OffloadTrigger, type PolicySpec } from './policy';
import { bigUserMessage, renderPrompt, smallUserMessage, stripTags } from './prompt';
import { readSplitConfig, type SplitConfig } from './splitConfig';
import { SolveStats, type Prices } from './stats';
import { TagMatcher } from './tagMatcher';

export interface Budgets {
  /** big-model tokens (small-tokenizer units) per offloaded segment before the tag is forced closed */
  segmentCap: number;
  /** big-model tokens per solve; once spent, the small model writes tagged steps itself */
  maxOffloadTokens: number;
  /** generated tokens per solve, both models together */
  maxTokens: number;
  timeoutMs: number;
}

export const DEFAULT_BUDGETS: Budgets = { segmentCap: 128, maxOffloadTokens: Infinity, maxTokens: 2048, timeoutMs: Infinity };

export interface SolveOptions {
  problem: string;
  small: LocalModel;
  big?: BigModelProvider;
  policy?: PolicySpec;
  budgets?: Partial<Budgets>;
  sampler?: SamplerSpec;
  /** sampling settings passed to the large model */
  bigTemperature?: number;
  prices?: Prices;
  signal?: AbortSignal;
  /** names shown in the trace */
  smallName?: string;
}

type State = { name: 'small'; trigger: Trigger; insideTag: boolean } | { name: 'big'; trigger: Trigger } | { name: 'done'; reason: DoneReason };

class Stop extends Error {
  constructor(readonly reason: DoneReason) {
    super(reason);
  }
}

export class SplitController {
  private state: State = { name: 'small', trigger: 'start', insideTag: false };
  private readonly budgets: Budgets;
  private readonly policy: PolicySpec;
  private readonly trigger: OffloadTrigger;
  private readonly stats: SolveStats;
  private readonly tags: { open: number[]; close: number[] };
  private readonly split: SplitConfig;
  private readonly eos: Set<number>;
  private readonly abort = new AbortController();
  private gen?: Generator;
  private visible = '';
  private segmentId = 0;
  /** the first failure that only a settings change fixes: later offloads of this solve skip the large model */
  private bigDown?: string;
  private events: TraceEvent[] = [];
  private readonly deadline: number;

  constructor(private readonly opts: SolveOptions) {
    this.budgets = { ...DEFAULT_BUDGETS, ...opts.budgets };
    this.split = readSplitConfig(opts.small.dir);
    this.policy = validatePolicy(opts.policy ?? { kind: opts.big ? (this.split.policy ?? 'learned') : 'never' });
    this.trigger = createTrigger(this.policy);
    this.stats = new SolveStats(opts.prices, opts.small.device);
    const tok = opts.small.tokenizer;
    this.tags = { open: tok.encode(this.split.openTag), close: tok.encode(this.split.closeTag) };
    this.eos = new Set(tok.eosTokenIds);
    this.deadline = performance.now() + this.budgets.timeoutMs;
  }

  /** the caller's cancellation, forwarded while the solve runs (a long-lived signal shared by many
   * solves, as in eval, must not collect a listener per solve) */
  private readonly forwardAbort = (): void => this.abort.abort();

  async *run(): AsyncGenerator<TraceEvent> {
    const o = this.opts;
    yield {
      type: 'start',
      problem: o.problem,
      smallModel: o.smallName ?? o.small.dir,
      bigModel: o.big?.name ?? 'none',
      device: o.small.device,
      policy: this.policy.kind,
      time: Date.now(),
    };
    let reason: DoneReason = 'eos';
    let error: Error | undefined;
    if (o.signal?.aborted) this.abort.abort();
    o.signal?.addEventListener('abort', this.forwardAbort, { once: true });
    try {
      this.gen = await o.small.generator({ entropy: this.policy.kind === 'entropy' });
      if (this.policy.kind === 'always' && o.big) this.state = { name: 'big', trigger: 'always' };
      else await this.prefillSmall();
      while (this.state.name !== 'done') {
        if (this.state.name === 'small') yield* this.drain(this.smallSegment(this.state.trigger, this.state.insideTag));
        else yield* this.drain(this.bigSegment(this.state.trigger));
      }
      reason = this.state.reason;
    } catch (e) {
      error = e as Error;
      reason = e instanceof Stop ? e.reason : 'error';
    } finally {
      o.signal?.removeEventListener('abort', this.forwardAbort);
      this.gen?.dispose();
      this.abort.abort();
    }
    yield* this.events.splice(0);
    if (error && !(error instanceof Stop)) yield { type: 'error', message: error.message, recoverable: false };
    yield this.stats.event();
    yield { type: 'done', answer: extractBoxed(this.visible), reason };
  }

  /** Runs a segment, yielding the events it queues as they come. */
  private async *drain(segment: Promise<void>): AsyncGenerator<TraceEvent> {
    let finished = false;
    let failure: unknown;
    segment
      .then(
        () => (finished = true),
        (e) => ((failure = e), (finished = true)),
      )
      .finally(() => this.wake?.());
    while (!finished || this.events.length) {
      if (this.events.length) yield* this.events.splice(0);
      else await this.tick();
    }
    if (failure) throw failure;
  }

  private wake?: () => void;
  private tick(): Promise<void> {
    return new Promise((r) => (this.wake = r));
  }
  private emit(e: TraceEvent): void {
    this.events.push(e);
    this.wake?.();
  }

  private beginSegment(source: SegmentSource, trigger: Trigger): number {
    const id = ++this.segmentId;
    this.emit({ type: 'segment', id, source, trigger });
    return id;
  }

  private endSegment(id: number, tokens: number, started: number, reason: SegmentEndReason, extra: { error?: string; model?: string } = {}): void {
    this.emit({ type: 'segmentEnd', id, tokens, ms: performance.now() - started, reason, ...extra });
    this.emit(this.stats.event());
  }

  private text(id: number, text: string): void {
    if (!text) return;
    this.visible += text;
    this.stats.markText();
    this.emit({ type: 'text', id, text });
  }

  private checkLimits(): void {
    if (this.abort.signal.aborted) throw new Stop(this.opts.signal?.aborted ? 'cancelled' : 'timeout');
    if (performance.now() > this.deadline) throw new Stop('timeout');
    if (this.stats.smallTokens + this.stats.bigTokens >= this.budgets.maxTokens) throw new Stop('max-tokens');
    // room for one more token and, inside a tag, the close tag: the model's context is a budget too
    if (this.contextLeft < 1 + this.tags.close.length) throw new Stop('max-tokens');
  }

  private get contextLeft(): number {
    return this.opts.small.config.max_position_embeddings - (this.gen?.length ?? 0);
  }

  private get offloadLeft(): number {
    return this.budgets.maxOffloadTokens - this.stats.bigTokens;
  }

  /** Whether an offload may start; a trigger does not fire once the large model is down, but the model's own tag still opens a (failed) segment, so the trace shows each step the large model could not write. */
  private canOffload(viaTag = false): boolean {
    if (!this.opts.big || this.policy.kind === 'never' || (this.bigDown && !viaTag)) return false;
    return this.offloadLeft > 0 && this.contextLeft > this.tags.open.length + this.tags.close.length + 1;
  }

  private async prefillSmall(): Promise<void> {
    const tok = this.opts.small.tokenizer;
    const prompt = tok.encode(renderPrompt(tok, smallUserMessage(this.opts.problem, this.split.hint)));
    // after an 'always' solve fell back, the small model resumes from the visible text
    const resume = this.visible ? tok.encode(this.visible) : [];
    const ids = [...prompt, ...resume];
    // checked here, before anything reaches onnxruntime, in words a user can act on
    const max = this.opts.small.config.max_position_embeddings;
    if (ids.length + 1 + this.tags.close.length > max) {
      const what = resume.length ? `the problem and the reasoning so far take ${ids.length} tokens` : `the problem takes ${prompt.length} tokens with the chat template`;
      throw new Error(`${what}, but the small model reads at most ${max} tokens: shorten the problem or choose a model with a longer context`);
    }
    await this.gen!.append(ids);
  }

  private async appendSmall(ids: number[]): Promise<void> {
    await this.gen!.append(ids);
  }

  private async smallSegment(trigger: Trigger, insideTag: boolean): Promise<void> {
    const id = this.beginSegment('small', trigger);
    const started = performance.now();
    const decoder = this.opts.small.tokenizer.streamDecoder();
    const matcher = new TagMatcher({ open: this.tags.open, close: this.tags.close });
    let tokens = 0;
    const finish = (reason: SegmentEndReason) => {
      this.text(id, matcher.flush().map((t) => decoder.push(t)).join('') + decoder.flush());
      this.stats.smallMs += performance.now() - started;
      this.endSegment(id, tokens, started, reason, { model: this.opts.smallName ?? this.opts.small.dir });
    };
    const offload = async (why: Trigger, appendTag: boolean) => {
      if (appendTag) await this.appendSmall(this.tags.open);
      finish('offload');
      this.state = { name: 'big', trigger: why };
    };
    try {
      for (;;) {
        this.checkLimits();
        if (!insideTag && this.canOffload() && this.trigger.beforeToken?.({ entropy: this.gen!.nextEntropy })) return await offload(this.policy.kind as Trigger, true);
        const { token } = await this.gen!.next(this.opts.sampler ?? {});
        tokens++;
        this.stats.smallTokens++;
        if (this.eos.has(token)) {
          finish('eos');
          this.state = { name: 'done', reason: 'eos' };
          return;
        }
        const { release, tag } = matcher.push(token);
        this.text(id, release.map((t) => decoder.push(t)).join(''));
        if (tag === 'open') {
          insideTag = true;
          if (this.policy.kind === 'learned' && this.canOffload(true)) return await offload('learned', false);
        } else if (tag === 'close') {
          insideTag = false;
        } else if (!insideTag && this.canOffload() && this.trigger.afterText?.(this.visible)) {
          return await offload(this.policy.kind as Trigger, true);
        }
      }
    } catch (e) {
      if (e instanceof Stop) {
        finish(e.reason === 'max-tokens' ? 'max-tokens' : e.reason === 'timeout' ? 'timeout' : 'cancelled');
        this.state = { name: 'done', reason: e.reason };
        return;
      }
      throw e;
    }
  }

  private async bigSegment(trigger: Trigger): Promise<void> {
    const big = this.opts.big!;
    const tok = this.opts.small.tokenizer;
    const standalone = trigger === 'always';
    const id = this.beginSegment('big', trigger);
    const started = performance.now();
    const segStart = this.gen!.length;
    const cap = Math.max(
      0,
      Math.min(
        standalone ? this.budgets.maxTokens : this.budgets.segmentCap,
        this.offloadLeft,
        this.budgets.maxTokens - this.stats.smallTokens - this.stats.bigTokens,
        standalone ? Infinity : this.contextLeft - this.tags.close.length - 1,
      ),
    );
    const prefix = renderPrompt(tok, bigUserMessage(this.opts.problem));
    const reasoning = stripTags(this.visible, [this.split.openTag, this.split.closeTag]);
    this.stats.bigPromptTokens += tok.encode(prefix + reasoning).length;
    let received = '';
    let accepted: number[] = []; // small-tokenizer ids of big text now in the small cache
    let shown = 0; // characters of decode(accepted) already in the trace
    let reason = 'big-eos' as SegmentEndReason;
    let error: string | undefined;

    const show = () => {
      const text = tok.decode(accepted);
      const safe = text.endsWith('\uFFFD') ? text.replace(/\uFFFD+$/, '') : text;
      if (safe.length > shown) this.text(id, safe.slice(shown));
      shown = Math.max(shown, safe.length);
    };
    /** Puts `target` (a tokenization of the text so far) in the cache; true when the small model took over. */
    const commit = async (target: number[]): Promise<boolean> => {
      if (standalone) {
        accepted = target.slice(0, cap);
        show();
        return accepted.length >= cap;
      }
      let common = 0;
      while (common < accepted.length && common < target.length && accepted[common] === target[common]) common++;
      if (common < accepted.length) {
        // more text changed how earlier text tokenizes: re-append from the first difference
        this.gen!.rewind(segStart + common);
        accepted = accepted.slice(0, common);
      }
      const fresh = target.slice(accepted.length, cap);
      if (fresh.length === 0) return false;
      const probe = await appendAndProbe(this.gen!, fresh, this.tags.close);
      if (probe.after !== null) {
        accepted = accepted.concat(fresh.slice(0, probe.after + 1));
        show();
        reason = 'handback';
        return true;
      }
      accepted = accepted.concat(fresh);
      show();
      return false;
    };

    try {
      if (this.bigDown) throw new Error(this.bigDown);
      let done = false;
      const stream = big.continue({
        prompt: prefix + reasoning,
        chat: { problem: this.opts.problem, reasoning },
        maxTokens: cap,
        temperature: this.opts.bigTemperature,
        signal: this.abort.signal,
      });
      for await (const chunk of stream) {
        received += chunk.text;
        const ids = tok.encode(received);
        // the last token may still grow with the next chunk: hold it back
        if (await commit(ids.slice(0, -1))) {
          done = true;
          break;
        }
        if (accepted.length >= cap) break;
        if (performance.now() > this.deadline) throw new Stop('timeout');
      }
      if (!done && (await commit(tok.encode(received)))) done = true;
      if (!done && accepted.length >= cap) reason = standalone ? 'max-tokens' : 'cap';
    } catch (e) {
      if (e instanceof Stop || this.abort.signal.aborted) {
        const why: DoneReason = e instanceof Stop ? e.reason : this.opts.signal?.aborted ? 'cancelled' : 'timeout';
        this.finishBig(id, accepted.length, started, why === 'cancelled' ? 'cancelled' : 'timeout');
        this.state = { name: 'done', reason: why };
        return;
      }
      reason = 'failed';
      error = (e as Error).message;
      if (isProviderError(e) && e.fixNeeded) this.bigDown ??= error;
    }
    this.finishBig(id, accepted.length, started, reason, error);
    if (standalone) {
      if (reason === 'failed') {
        // the large model failed alone: the small model carries on from what is shown
        await this.prefillSmall();
        this.state = { name: 'small', trigger: 'failed', insideTag: false };
      } else {
        this.state = { name: 'done', reason: reason === 'max-tokens' ? 'max-tokens' : 'eos' };
      }
      return;
    }
    if (reason === 'failed') {
      // keep the tag open: the small model writes this step itself
      this.state = { name: 'small', trigger: 'failed', insideTag: true };
      return;
    }
    if (reason !== 'handback') await this.appendSmall(this.tags.close);
    this.state = { name: 'small', trigger: reason === 'cap' ? 'cap' : 'handback', insideTag: false };
  }

  private finishBig(id: number, tokens: number, started: number, reason: SegmentEndReason, error?: string): void {
    this.stats.bigTokens += tokens;
    this.stats.bigMs += performance.now() - started;
    this.endSegment(id, tokens, started, reason, { model: this.opts.big?.name, ...(error ? { error } : {}) });
  }
}

export function solve(opts: SolveOptions): AsyncGenerator<TraceEvent> {
  return new SplitController(opts).run();
}
