/**
 * The `verify` trigger's hold-back: under verify the small model's text of the current line is
 * not shown until the line is complete and the checker accepts it, so a wrong line can be
 * rewound and rewritten by the large model without retracting anything a user has seen.
 */
import type { RewindPoint } from '../verifyPoint';
import type { SolveContext } from '../solveContext';

/** Spaces, `+` and `=` at the start of held text: joins to the text before, never a term of its own. */
const LEADING_OPERATORS = /^[ \t+=]*/;
/** What closes a line of math at its end: delimiters and spaces. */
export const LINE_CLOSE = /(?:\$|\\\]|\\\)|\s)*$/;

export interface Judged {
  /** text to show now */
  show: string;
  /** the cache was rewound after `show`: the large model writes on from there */
  rewound: boolean;
}

export class PendingLine {
  private text = '';
  /** characters each held token added, in order, and the cache length before the first */
  private chars: number[] = [];
  private start = -1;
  /** where in the held text an `=` closed a part of the line since the last look, or -1 */
  private partEnd = -1;

  constructor(private readonly ctx: SolveContext) {}

  /** Holds one token's text, appended to the cache at `cacheLengthBefore`. */
  push(text: string, cacheLengthBefore: number): void {
    if (this.start < 0) this.start = cacheLengthBefore;
    const eq = text.lastIndexOf('=');
    if (eq >= 0 && !this.complete) this.partEnd = this.text.length + eq;
    this.text += text;
    this.chars.push(text.length);
  }

  get complete(): boolean {
    return this.text.includes('\n');
  }

  /** Everything held, for a segment that ends (the end of reasoning is not a line to judge). */
  takeAll(): string {
    const t = this.text;
    this.reset();
    return t;
  }

  /**
   * Judges the line as it stands when an `=` has just closed a part of it: a false part is rewound
   * at once, so a model that writes wrong math on and on without ending the line is caught too.
   * Null when there is nothing to judge yet or nothing to rewind.
   */
  judgePart(): Judged | null {
    const end = this.partEnd;
    this.partEnd = -1;
    if (end < 0 || this.ctx.lineSettled || !this.ctx.canOffload()) return null;
    const shownStart = this.shownStart();
    const point = this.ctx.verifier!.peek(shownStart + this.text.slice(0, end));
    return point ? this.rewind(point, shownStart, end) : null;
  }

  /**
   * Judges the completed line (the shown start of the line plus what is held). Fine: returns the
   * text to show. Wrong: rewinds the small cache to the token boundary at or before the first
   * false part and returns the text to keep; `rewound` says so.
   */
  judge(): Judged {
    const nl = this.text.indexOf('\n');
    this.partEnd = -1;
    const shownStart = this.shownStart();
    const line = shownStart + this.text.slice(0, nl);
    const point = this.ctx.canOffload() ? this.ctx.verifier!.push(line) : null;
    const settled = this.ctx.lineSettled;
    this.ctx.lineSettled = false;
    if (settled) return this.keep(nl);
    return (point && this.rewind(point, shownStart, nl)) ?? this.keep(nl);
  }

  private shownStart(): string {
    return this.ctx.visible.slice(this.ctx.visible.lastIndexOf('\n') + 1);
  }

  /** Rewinds to `point` in the line that `end` (an offset in the held text) ends; null when nothing held could be rewritten. */
  private rewind(point: RewindPoint, shownStart: string, end: number): Judged | null {
    let offset: number;
    if (point.offset >= shownStart.length) {
      // the spaces before a false value are its layout (right-aligned numbers): rewritten with it
      offset = point.offset - shownStart.length;
      while (offset > 0 && /[ \t]/.test(this.text[offset - 1])) offset--;
    } else {
      // the false part starts in text already shown: rewrite from the first term held back (the
      // operator and spaces before it stay, as the model wrote them); none held back, nothing to rewrite
      offset = LEADING_OPERATORS.exec(this.text)![0].length;
      if (!this.text.slice(offset, end).replace(LINE_CLOSE, '')) return null;
    }
    let kept = 0;
    let keptChars = 0;
    while (kept < this.chars.length && keptChars + this.chars[kept] <= offset) keptChars += this.chars[kept++];
    this.ctx.gen.rewind(this.start + kept);
    const show = this.text.slice(0, keptChars);
    this.reset();
    return { show, rewound: true };
  }

  /** The line stays, shown to the end of the token that holds its newline (a token is never split). */
  private keep(nl: number): Judged {
    let k = 0;
    let upTo = 0;
    while (upTo <= nl) upTo += this.chars[k++];
    const show = this.text.slice(0, upTo);
    this.text = this.text.slice(upTo);
    this.chars = this.chars.slice(k);
    this.start = this.chars.length ? this.start + k : -1;
    return { show, rewound: false };
  }

  private reset(): void {
    this.text = '';
    this.chars = [];
    this.start = -1;
    this.partEnd = -1;
  }
}
