/**
 * ✓ / ✗ badges for the CAS checker's verdicts on the trace's equation lines (`check` events),
 * listed under the trace with each line coloured by the segment that wrote its false part, so a
 * ✗ in a small-model segment stands out. The line's math and the expected value's TeX are typeset
 * as in the trace (KaTeX with trust: false, math.ts); everything else is text (textContent,
 * attributes): nothing from a model or a file becomes markup.
 */
import { expectedPieces } from '../../src/math/expectedText';
import type { CheckEvent } from '../../src/split/events';
import { parseInline } from '../trace/inline';
import type { SegmentTable } from '../trace/segments';
import { renderMath } from './math';

const BADGE: Record<'correct' | 'incorrect', { mark: string; label: string }> = {
  correct: { mark: '✓', label: 'verified by the computer algebra system' },
  incorrect: { mark: '✗', label: 'wrong according to the computer algebra system' },
};

/** Lines longer than this are cut in the list (the full line stays in the trace). */
const MAX_LINE_CHARS = 200;

export class CheckBadges {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;

  constructor(parent: HTMLElement) {
    this.el = document.createElement('section');
    this.el.className = 'sr-checks';
    this.el.setAttribute('aria-label', 'Equations checked by the computer algebra system');
    this.el.hidden = true;
    const title = document.createElement('div');
    title.className = 'sr-checks-title';
    title.textContent = 'Checked equations';
    this.list = document.createElement('ol');
    this.list.className = 'sr-checks-list';
    this.el.append(title, this.list);
    parent.append(this.el);
  }

  /** Adds badges for new verdicts; `unknown` ones get none (the checker could not tell). */
  add(checks: readonly CheckEvent[], segments: SegmentTable): void {
    for (const c of checks) {
      if (c.verdict === 'unknown') continue;
      const badge = BADGE[c.verdict];
      const item = document.createElement('li');
      item.className = `sr-check sr-check-${c.verdict}`;
      item.dataset.seg = String(c.segment);
      const mark = document.createElement('span');
      mark.className = 'sr-check-badge';
      mark.setAttribute('role', 'img');
      mark.setAttribute('aria-label', badge.label);
      mark.textContent = badge.mark;
      const line = document.createElement('span');
      line.className = `sr-check-line ${segments.get(c.segment)?.source === 'big' ? 'sr-seg sr-big' : 'sr-seg sr-small'}`;
      line.append(...typesetLine(c.line.length > MAX_LINE_CHARS ? `${c.line.slice(0, MAX_LINE_CHARS)}…` : c.line));
      item.append(mark, line);
      if (c.verdict === 'incorrect' && c.expected !== undefined) {
        const expected = document.createElement('span');
        expected.className = 'sr-check-expected';
        expected.append('expected ', ...typesetExpected(c.expected.slice(0, MAX_LINE_CHARS)));
        item.append(expected);
      }
      if (c.message) item.title = c.message.slice(0, 1000);
      this.list.append(item);
      this.el.hidden = false;
    }
  }

  clear(): void {
    this.list.replaceChildren();
    this.el.hidden = true;
  }
}

/** A checked line as a student reads it in the trace: math typeset inline, the rest as written. */
function typesetLine(line: string): Node[] {
  const nodes: Node[] = [];
  for (const item of parseInline(line).items) {
    if (item.kind === 'math') nodes.push(renderMath(item.tex, false, line.slice(item.start, item.end)));
    else if (item.kind === 'dollar') nodes.push(document.createTextNode('$'));
    else if (item.kind === 'code') nodes.push(document.createTextNode(line.slice(item.innerStart, item.innerEnd)));
    else if (item.kind === 'text') nodes.push(document.createTextNode(line.slice(item.start, item.end)));
    // emphasis markers are dropped: a one-line list has no room for bold
  }
  return nodes;
}

/** The checker's expected value: its TeX typeset, its words ("or", "no solution") as text. */
function typesetExpected(expected: string): Node[] {
  return expectedPieces(expected).map((p) => (p.tex ? renderMath(p.text, false, p.text) : document.createTextNode(p.text)));
}
