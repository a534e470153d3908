/**
 * One block of model text → DOM. Model text only ever becomes text nodes (never HTML), math goes
 * through the guarded KaTeX wrapper, and every piece is wrapped in a span naming the segment
 * that wrote it, so offloaded text can be coloured and explained on hover.
 */
import type { Block } from '../trace/blockStream';
import { parseInline, type InlineItem } from '../trace/inline';
import { isFailed, type SegmentInfo, type SegmentTable } from '../trace/segments';
import { renderMath } from './math';
import { segmentedTex, texSegmentOf, type TexPiece } from './segmentTex';

export interface BlockContext {
  segments: SegmentTable;
  /** Receives every element of a segment that has not ended yet: its look changes when it ends. */
  live(seg: number, el: HTMLElement): void;
}

interface Span {
  start: number;
  end: number;
  seg: number;
}

const HEADING = /^(#{1,6})[ \t]+/;
const BULLET = /^[ \t]*[-*+][ \t]+/;
const NUMBERED = /^[ \t]*\d{1,4}[.)][ \t]+/;

export function renderBlock(block: Block, ctx: BlockContext): HTMLElement {
  const line = document.createElement('div');
  let text = '';
  const spans: Span[] = [];
  for (const r of block.runs) {
    spans.push({ start: text.length, end: text.length + r.text.length, seg: r.seg });
    text += r.text;
  }
  if (text.length === 0 && !spans.some((s) => showsMarker(ctx.segments.get(s.seg)))) {
    line.className = 'sr-gap';
    return line;
  }
  line.className = 'sr-line';
  let from = 0;
  const heading = HEADING.exec(text);
  const bullet = heading ? null : BULLET.exec(text);
  if (heading) {
    line.classList.add('sr-h', `sr-h${heading[1].length}`);
    from = heading[0].length;
  } else if (bullet) {
    line.classList.add('sr-li');
    from = bullet[0].length;
  } else if (NUMBERED.test(text)) {
    line.classList.add('sr-li', 'sr-ol');
  }
  new Builder(text, spans, ctx, line).build(parseInline(text, from).items);
  return line;
}

const showsMarker = (s: SegmentInfo | undefined): boolean => s !== undefined && s.source === 'big' && (!s.end || isFailed(s));

class Builder {
  private readonly parents: HTMLElement[];
  /** Next span to look at when splitting text by segment (items come in source order). */
  private spanAt = 0;
  /** Next empty span (a segment that wrote nothing yet) still to show as a marker. */
  private markerAt = 0;

  constructor(
    private readonly text: string,
    private readonly spans: Span[],
    private readonly ctx: BlockContext,
    root: HTMLElement,
  ) {
    this.parents = [root];
  }

  build(items: InlineItem[]): void {
    for (const item of items) {
      this.markersUpTo(item.start);
      switch (item.kind) {
        case 'text':
          this.segmentedText(item.start, item.end, this.parent);
          break;
        case 'dollar':
          this.parent.append(this.segmentSpan(this.segAt(item.start), '$'));
          break;
        case 'math':
          this.math(item.start, item.end, item.tex, item.display);
          break;
        case 'code': {
          const code = document.createElement('code');
          this.segmentedText(item.innerStart, item.innerEnd, code);
          this.parent.append(code);
          break;
        }
        case 'open': {
          const el = document.createElement(item.tag);
          this.parent.append(el);
          this.parents.push(el);
          break;
        }
        case 'close':
          this.parents.pop();
          break;
      }
    }
    this.markersUpTo(Infinity);
  }

  private get parent(): HTMLElement {
    return this.parents[this.parents.length - 1];
  }

  private segmentedText(start: number, end: number, parent: HTMLElement): void {
    while (this.spanAt < this.spans.length && this.spans[this.spanAt].end <= start) this.spanAt++;
    for (let k = this.spanAt; k < this.spans.length; k++) {
      const s = this.spans[k];
      if (s.start >= end) break;
      const a = Math.max(s.start, start);
      const b = Math.min(s.end, end);
      if (b <= a) continue;
      if (parent === this.parent) this.markersUpTo(a);
      parent.append(this.segmentSpan(s.seg, this.text.slice(a, b)));
    }
  }

  /**
   * Math is typeset once. A formula one segment wrote belongs to it; in a formula several wrote,
   * the large model's pieces are wrapped (segmentTex.ts) and tinted inside the typeset math.
   * When they cannot be wrapped, the whole formula belongs to the offloaded segment.
   */
  private math(start: number, end: number, tex: string, display: boolean): void {
    const texStart = start + Math.max(0, this.text.slice(start, end).indexOf(tex));
    const pieces: TexPiece[] = [];
    for (const s of this.spans) {
      const a = Math.max(s.start, texStart);
      const b = Math.min(s.end, texStart + tex.length);
      if (b > a) pieces.push({ seg: s.seg, text: this.text.slice(a, b) });
    }
    const isBig = (seg: number): boolean => this.ctx.segments.get(seg)?.source === 'big';
    let owner = pieces.find((p) => !isBig(p.seg))?.seg ?? this.segAt(start);
    let segmented: string | null = null;
    if (pieces.some((p) => p.seg !== pieces[0].seg) && pieces.some((p) => isBig(p.seg))) {
      segmented = segmentedTex(pieces, (seg) => seg !== owner && isBig(seg));
    }
    if (segmented === null) owner = pieces.find((p) => isBig(p.seg))?.seg ?? owner;
    const el = this.segmentSpan(owner, null, display ? 'div' : 'span');
    el.classList.add(display ? 'sr-display' : 'sr-math');
    if (tex.startsWith('\\boxed{')) el.classList.add('sr-boxed');
    el.append(renderMath(tex, display, this.text.slice(start, end), segmented));
    if (segmented !== null) {
      for (const inner of el.querySelectorAll<HTMLElement>('[class*="sr-texseg-"]')) {
        const seg = texSegmentOf(inner.className);
        if (seg === null) continue;
        const info = this.ctx.segments.get(seg);
        inner.classList.add(...segmentClass(info).split(' '));
        inner.dataset.seg = String(seg);
        if (info && !info.end) this.ctx.live(seg, inner);
      }
    }
    this.parent.append(el);
  }

  private markersUpTo(pos: number): void {
    while (this.markerAt < this.spans.length) {
      const s = this.spans[this.markerAt];
      if (s.start > pos) return;
      this.markerAt++;
      if (s.start !== s.end || !showsMarker(this.ctx.segments.get(s.seg))) continue;
      const marker = this.segmentSpan(s.seg, null);
      marker.classList.add('sr-marker');
      this.parent.append(marker);
    }
  }

  private segAt(pos: number): number {
    for (const s of this.spans) if (s.end > pos && s.end > s.start) return s.seg;
    return this.spans.length > 0 ? this.spans[this.spans.length - 1].seg : -1;
  }

  private segmentSpan(seg: number, text: string | null, tag: 'span' | 'div' = 'span'): HTMLElement {
    const el = document.createElement(tag);
    if (seg < 0) {
      // Not model output of a segment (the problem statement): no colour, no hover card.
      if (text !== null) el.textContent = text;
      return el;
    }
    const info = this.ctx.segments.get(seg);
    el.className = segmentClass(info);
    el.dataset.seg = String(seg);
    if (text !== null) el.textContent = text;
    if (info && !info.end) this.ctx.live(seg, el);
    return el;
  }
}

/** Classes for an element of a segment in its current state. */
export function segmentClass(info: SegmentInfo | undefined): string {
  if (!info) return 'sr-seg sr-small';
  let c = info.source === 'big' ? 'sr-seg sr-big' : 'sr-seg sr-small';
  if (!info.end) c += ' sr-pending';
  else if (isFailed(info)) c += ' sr-failed';
  return c;
}
