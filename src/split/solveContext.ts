/**
 * What the phases of one solve share: the small model's generator, the budgets and what is
 * left of them, the text shown so far, the statistics, and helpers that make trace events.
 * Phases yield the events these helpers return; nothing here queues them.
 */
import type { Generator, SamplerSpec, TagSpellings } from '../engine';
import { isProviderError } from '../providers/types';
import type { SegmentEndReason, SegmentSource, TraceEvent, Trigger } from './events';
import { createTrigger, usesVerify, validatePolicy, type OffloadTrigger, type PolicySpec } from './policy';
import { LineVerifier } from './verifyPoint';
import { renderPrompt, smallUserMessage } from './prompt';
import { parseSplitConfig, type SplitConfig } from './splitConfig';
import { SolveStats } from './stats';
import { Stop } from './stop';
import { tagSpellings } from './tagSpellings';
import type { Budgets, SolveOptions } from './controller';

export const DEFAULT_BUDGETS: Budgets = { segmentCap: 128, maxOffloadTokens: Infinity, maxTokens: 2048, timeoutMs: Infinity };

export class SolveContext {
  readonly budgets: Budgets;
  readonly split: SplitConfig;
  readonly policy: PolicySpec;
  readonly trigger: OffloadTrigger;
  readonly stats: SolveStats;
  readonly tags: { open: number[]; close: number[] };
  readonly eos: Set<number>;
  /** ends the large model's requests when the solve stops (cancel or deadline) */
  readonly abort = new AbortController();
  readonly deadline: number;
  gen!: Generator;
  /** the `verify` trigger's checker, one per solve (it follows the equations line by line) */
  readonly verifier?: LineVerifier;
  /** the reasoning shown so far, tags included */
  visible = '';
  /** the first failure that only a settings change fixes: later offloads of this solve skip the large model */
  bigDown?: string;
  /** a `verify` rewrite found nothing to change: the line being written is not judged again (no rewrite loop) */
  lineSettled = false;
  private segmentId = 0;

  constructor(readonly opts: SolveOptions) {
    this.budgets = { ...DEFAULT_BUDGETS, ...opts.budgets };
    this.split = opts.split ?? parseSplitConfig(opts.small.splitreason);
    this.policy = validatePolicy(opts.policy ?? { kind: opts.big ? (this.split.policy ?? 'learned') : 'never' });
    this.trigger = createTrigger(this.policy);
    this.stats = new SolveStats(opts.prices, opts.small.device);
    const tok = opts.small.tokenizer;
    this.tags = { open: tok.encode(this.split.openTag), close: tok.encode(this.split.closeTag) };
    this.eos = new Set(tok.eosTokenIds);
    this.deadline = performance.now() + this.budgets.timeoutMs;
    if (usesVerify(this.policy.kind)) this.verifier = new LineVerifier(opts.problem);
  }

  /**
   * The small model's sampler; under pure `verify` it never opens a tag itself. A text tag's first
   * token is ordinary text ("<"), so it is not banned: the tag matcher hides such a tag instead.
   */
  get smallSampler(): SamplerSpec {
    const spec = this.opts.sampler ?? {};
    return this.policy.kind === 'verify' && this.split.tags !== 'text' ? { ...spec, banned: [this.tags.open[0]] } : spec;
  }

  /** For text tags ('text' in splitreason.json): how the close tag may be spelled, for the hand-back probe. */
  get closeSpellings(): TagSpellings | undefined {
    const small = this.opts.small;
    return this.split.tags === 'text' ? tagSpellings(small.tokenizer, this.split.closeTag, small.config.vocab_size) : undefined;
  }

  /** Text the small model wrote before a close tag inside the same token, shown when it takes over. */
  handbackLead = '';

  get smallName(): string {
    return this.opts.smallName ?? this.opts.small.dir;
  }

  beginSegment(source: SegmentSource, trigger: Trigger): { id: number; event: TraceEvent } {
    const id = ++this.segmentId;
    return { id, event: { type: 'segment', id, source, trigger } };
  }

  endSegment(id: number, tokens: number, started: number, reason: SegmentEndReason, extra: { error?: string; model?: string } = {}): TraceEvent[] {
    return [{ type: 'segmentEnd', id, tokens, ms: performance.now() - started, reason, ...extra }, this.stats.event()];
  }

  /** Shows `text` in segment `id`; no event for nothing. */
  text(id: number, text: string): TraceEvent[] {
    if (!text) return [];
    this.visible += text;
    this.stats.markText();
    return [{ type: 'text', id, text }];
  }

  /** Notes a failed large-model call; one that needs a settings change ends offloading for this solve. */
  bigFailed(e: unknown): string {
    const message = (e as Error).message ?? String(e);
    if (isProviderError(e) && e.fixNeeded) this.bigDown ??= message;
    return message;
  }

  checkLimits(): void {
    if (this.abort.signal.aborted) throw new Stop(this.opts.signal?.aborted ? 'cancelled' : 'timeout');
    if (performance.now() > this.deadline) throw new Stop('timeout');
    if (this.stats.smallTokens + this.stats.bigTokens >= this.budgets.maxTokens) throw new Stop('max-tokens');
    // room for one more token and, inside a tag, the close tag: the model's context is a budget too
    if (this.contextLeft < 1 + this.tags.close.length) throw new Stop('max-tokens');
  }

  get contextLeft(): number {
    return this.opts.small.config.max_position_embeddings - (this.gen?.length ?? 0);
  }

  get offloadLeft(): number {
    return this.budgets.maxOffloadTokens - this.stats.bigTokens;
  }

  /**
   * Whether an offload may start; a trigger does not fire once the large model is down, but the
   * model's own tag still opens a (failed) segment, so the trace shows each step the large model
   * could not write.
   */
  canOffload(viaTag = false): boolean {
    if (!this.opts.big || this.policy.kind === 'never' || (this.bigDown && !viaTag)) return false;
    return this.offloadLeft > 0 && this.contextLeft > this.tags.open.length + this.tags.close.length + 1;
  }

  /** Prefills the small model with the prompt and, after a failed `always` solve, the text shown so far. */
  async prefillSmall(): Promise<void> {
    const tok = this.opts.small.tokenizer;
    const prompt = tok.encode(renderPrompt(tok, smallUserMessage(this.opts.problem, this.split.hint)));
    const resume = this.visible ? tok.encode(this.visible) : [];
    const ids = [...prompt, ...resume];
    // checked here, before anything reaches onnxruntime, in words a user can act on
    const max = this.opts.small.config.max_position_embeddings;
    if (ids.length + 1 + this.tags.close.length > max) {
      const what = resume.length
        ? `the problem and the reasoning so far take ${ids.length} tokens`
        : `the problem takes ${prompt.length} tokens with the chat template`;
      throw new Error(`${what}, but the small model reads at most ${max} tokens: shorten the problem or choose a model with a longer context`);
    }
    await this.gen.append(ids);
  }
}
