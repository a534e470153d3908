/**
 * The large model's text on its way into a segment: re-tokenized with the small model's
 * tokenizer as it grows, and (when offloaded) appended to the small model's cache and probed
 * for the hand-back chunk by chunk. Text reaches the trace only once probed, up to the
 * hand-back: nothing a user has seen is ever retracted.
 */
import type { TraceEvent } from '../events';
import type { SolveContext } from '../solveContext';

export type BigTextMode = 'probe' | 'show';

export class BigText {
  /** small-tokenizer ids of the large model's text now accepted (in the small cache when probing) */
  accepted: number[] = [];
  /** characters of decode(accepted) already in the trace */
  private shown = 0;
  private readonly segStart: number;

  constructor(
    private readonly ctx: SolveContext,
    private readonly id: number,
    readonly cap: number,
    /** probe: append to the small cache and look for the hand-back (an offload); show: only show (the `always` path) */
    private readonly mode: BigTextMode,
  ) {
    this.segStart = ctx.gen.length;
  }

  /** Takes `target` (a tokenization of the text so far); `done` once the small model took over or the cap is reached. */
  async commit(target: number[]): Promise<{ events: TraceEvent[]; handedBack: boolean; full: boolean }> {
    if (this.mode === 'show') {
      this.accepted = target.slice(0, this.cap);
      return { events: this.show(), handedBack: false, full: this.accepted.length >= this.cap };
    }
    let common = 0;
    while (common < this.accepted.length && common < target.length && this.accepted[common] === target[common]) common++;
    if (common < this.accepted.length) {
      // more text changed how earlier text tokenizes: re-append from the first difference
      this.ctx.gen.rewind(this.segStart + common);
      this.accepted = this.accepted.slice(0, common);
    }
    const fresh = target.slice(this.accepted.length, this.cap);
    if (fresh.length === 0) return { events: [], handedBack: false, full: this.accepted.length >= this.cap };
    const { after, lead } = await this.ctx.gen.probe(fresh, this.ctx.tags.close, this.ctx.closeSpellings);
    if (lead.length) this.ctx.handbackLead = this.ctx.opts.small.tokenizer.decode(lead);
    this.accepted = this.accepted.concat(after !== null ? fresh.slice(0, after + 1) : fresh);
    return { events: this.show(), handedBack: after !== null, full: this.accepted.length >= this.cap };
  }

  private show(): TraceEvent[] {
    const text = this.ctx.opts.small.tokenizer.decode(this.accepted);
    const safe = text.endsWith('\uFFFD') ? text.replace(/\uFFFD+$/, '') : text;
    const events = safe.length > this.shown ? this.ctx.text(this.id, safe.slice(this.shown)) : [];
    this.shown = Math.max(this.shown, safe.length);
    return events;
  }
}
