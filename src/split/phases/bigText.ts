/**
 * The large model's text on its way into a segment: re-tokenized with the small model's
 * tokenizer as it grows, and (when offloaded) appended to the small model's cache and probed
 * for the hand-back chunk by chunk. Text reaches the trace only once probed, up to the
 * hand-back: nothing a user has seen is ever retracted.
 */
import type { TraceEvent } from '../events';
import type { SolveContext } from '../solveContext';

export type BigTextMode = 'probe' | 'show';

/**
 * Where a `verify` rewrite may hand back: right after a whole number. The checker refused a value,
 * so the large model writes at least one number, and never leaves the small model to finish one.
 */
export function endsNumber(before: string, after: string): boolean {
  return /\d$/.test(before) && !/^\.?\d/.test(after);
}

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
    /** hand back only at the end of a number (a `verify` rewrite: the large model writes the value it corrects) */
    private readonly wholeNumbers = false,
  ) {
    this.segStart = ctx.gen.length;
  }

  /**
   * Takes `target` (a tokenization of the text so far) and `text`, all the large model's text received
   * (it may run past `target`: what comes next decides whether a hand-back splits a number);
   * `done` once the small model took over or the cap is reached.
   */
  async commit(target: number[], text: string): Promise<{ events: TraceEvent[]; handedBack: boolean; full: boolean }> {
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
    let fresh = target.slice(this.accepted.length, this.cap);
    if (fresh.length === 0) return { events: [], handedBack: false, full: this.accepted.length >= this.cap };
    const decode = (ids: number[]) => this.ctx.opts.small.tokenizer.decode(ids);
    for (;;) {
      const { after, lead } = await this.ctx.gen.probe(fresh, this.ctx.tags.close, this.ctx.closeSpellings);
      if (after === null) {
        this.accepted = this.accepted.concat(fresh);
        return { events: this.show(), handedBack: false, full: this.accepted.length >= this.cap };
      }
      this.accepted = this.accepted.concat(fresh.slice(0, after + 1));
      const before = decode(this.accepted);
      if (!this.wholeNumbers || endsNumber(before, text.slice(before.length))) {
        // text the small model wrote before the close tag in the same token (text tags) is its own
        if (lead.length) this.ctx.handbackLead = decode(lead);
        return { events: this.show(), handedBack: true, full: this.accepted.length >= this.cap };
      }
      // not after a whole number: take the close tag back out and read on
      this.ctx.gen.rewind(this.ctx.gen.length - lead.length - this.ctx.tags.close.length);
      fresh = fresh.slice(after + 1);
      if (fresh.length === 0) return { events: this.show(), handedBack: false, full: this.accepted.length >= this.cap };
    }
  }

  /** Takes the open tag (`openLength` tokens before the segment) out of the small cache, keeping the accepted text. */
  async untag(openLength: number): Promise<void> {
    this.ctx.gen.rewind(this.segStart - openLength);
    await this.ctx.gen.append(this.accepted);
  }

  private show(): TraceEvent[] {
    const text = this.ctx.opts.small.tokenizer.decode(this.accepted);
    const safe = text.endsWith('\uFFFD') ? text.replace(/\uFFFD+$/, '') : text;
    const events = safe.length > this.shown ? this.ctx.text(this.id, safe.slice(this.shown)) : [];
    this.shown = Math.max(this.shown, safe.length);
    return events;
  }
}
