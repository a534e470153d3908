/**
 * The incremental renderer of a trace. `apply` feeds events to the model (cheap, no DOM);
 * `flush` (once per animation frame) appends the blocks that closed since the last frame,
 * each rendered once and never touched again, and re-renders only the open block. The work per
 * frame depends on what arrived in that frame, not on how long the trace already is.
 * The panel and the notebook renderer both use this class.
 */
import type { Block, Part } from '../trace/blockStream';
import { TraceModel } from '../trace/model';
import { isFailed, SegmentTable } from '../trace/segments';
import { renderBlock, type BlockContext } from './blockDom';
import { endCard } from './endCard';
import { CheckBadges } from './checkBadges';
import { BlockList } from './blockList';
import { renderLegend } from './legend';
import { renderMath } from './math';
import { renderStats } from './statsBar';
import { attachTooltip } from './tooltip';

interface Parts {
  problem: HTMLElement;
  legend: HTMLElement;
  stats: HTMLElement;
  think: HTMLDetailsElement;
  blocks: Record<Part, BlockList>;
  final: HTMLElement;
  notes: HTMLElement;
  ignored: HTMLElement;
}

export class TraceView {
  model: TraceModel;
  private readonly parts: Parts;
  /** The part whose block list shows the open block, if any. */
  private openPart: Part | null = null;
  private openVersion = -1;
  /** Closed blocks not rendered yet (see flush's budget). */
  private queue: Block[] = [];
  /** Elements of segments still being written, in closed blocks: updated when the segment ends. */
  private live = new Map<number, HTMLElement[]>();
  private closedCtx: BlockContext;
  private openCtx: BlockContext;
  private readonly badges: CheckBadges;

  constructor(
    readonly root: HTMLElement,
    problem = '',
  ) {
    this.model = new TraceModel(problem);
    this.parts = buildSkeleton(root);
    this.badges = new CheckBadges(root);
    attachTooltip(root, () => this.model);
    [this.closedCtx, this.openCtx] = this.contexts();
  }

  /** Render contexts over the current model's segment table (reset() replaces the model). */
  private contexts(): [BlockContext, BlockContext] {
    const segments = this.model.segments;
    const closed: BlockContext = {
      segments,
      live: (seg, el) => {
        const list = this.live.get(seg);
        if (list) list.push(el);
        else this.live.set(seg, [el]);
      },
    };
    // The open block is re-rendered on every change, so its elements need no tracking.
    const open: BlockContext = { segments, live: () => undefined };
    return [closed, open];
  }

  /** Events in stream order (untrusted; invalid ones are counted and skipped). Renders nothing. */
  apply(events: readonly unknown[]): void {
    this.model.apply(events);
  }

  /** Clears the trace for a new solve. */
  reset(problem = ''): void {
    this.model = new TraceModel(problem);
    [this.closedCtx, this.openCtx] = this.contexts();
    this.live.clear();
    this.queue = [];
    this.openVersion = -1;
    this.openPart = null;
    this.parts.blocks.think.clear();
    this.parts.blocks.answer.clear();
    for (const el of [this.parts.notes, this.parts.final]) el.replaceChildren();
    this.parts.final.hidden = true;
    this.parts.final.className = 'sr-final';
    delete this.parts.final.dataset.end;
    this.parts.think.classList.add('sr-empty');
    this.parts.ignored.hidden = true;
    this.badges.clear();
    this.root.classList.remove('sr-done');
  }

  /**
   * Brings the DOM up to date with the model. With a budget (ms), closed blocks beyond it wait
   * for the next call, so a huge batch (a replayed trace, a 1 MB line) is spread over frames
   * and the panel stays responsive. Returns whether work is left.
   */
  flush(budgetMs = Infinity): boolean {
    const t0 = performance.now();
    const m = this.model;
    const changes = m.takeChanges();
    if (changes.start) renderProblem(this.parts.problem, m.problem);
    if (changes.start || changes.kinds) renderLegend(this.parts.legend, m.start, m.kinds);
    if (changes.start || changes.stats || changes.kinds) renderStats(this.parts.stats, m);
    if (changes.checks.length > 0) this.badges.add(changes.checks, m.segments);
    for (const e of changes.errors) this.note(e.recoverable ? 'sr-warning' : 'sr-error', e.message);
    if (changes.done) this.renderDone();
    if (m.ignored > 0) {
      this.parts.ignored.hidden = false;
      this.parts.ignored.textContent = `${m.ignored} malformed trace event${m.ignored === 1 ? '' : 's'} ignored`;
    }

    for (const b of m.stream.takeClosed()) this.queue.push(b);
    for (const id of changes.ended) this.segmentEnded(id);
    if (this.queue.length > 0) {
      this.hideOpen(); // the open block comes after every closed one
      this.openVersion = -1;
      this.appendClosed(t0 + budgetMs);
      if (this.queue.length > 0) {
        this.root.setAttribute('aria-busy', 'true');
        return true;
      }
    }
    if (changes.ended.length > 0 || m.stream.version !== this.openVersion) this.renderOpen();
    this.root.removeAttribute('aria-busy');
    return false;
  }

  /**
   * Renders queued closed blocks, in order, until the deadline. With a deadline, each block is
   * laid out before the clock is read: laying out a new block costs the browser several times
   * what building it costs, and that work belongs to the same frame.
   */
  private appendClosed(deadline: number): void {
    const measure = Number.isFinite(deadline);
    let done = 0;
    while (done < this.queue.length) {
      const b = this.queue[done++];
      if (b.part === 'think') this.parts.think.classList.remove('sr-empty');
      this.parts.blocks[b.part].append(renderBlock(b, this.closedCtx));
      if (measure) {
        void this.root.offsetHeight; // forces layout of what was just appended
        if (performance.now() > deadline) break;
      }
    }
    this.queue.splice(0, done);
  }

  private renderOpen(): void {
    const open = this.model.stream.open;
    this.openVersion = this.model.stream.version;
    const hasText = open.runs.some((r) => r.text.length > 0);
    const el = hasText || open.runs.length > 0 ? renderBlock(open, this.openCtx) : document.createElement('div');
    // An empty open block (only segment marks that show nothing) is not a paragraph gap.
    if (!hasText && el.classList.contains('sr-gap')) el.className = '';
    el.classList.add('sr-open');
    if (hasText && open.part === 'think') this.parts.think.classList.remove('sr-empty');
    if (this.openPart !== open.part) this.hideOpen();
    this.parts.blocks[open.part].setOpen(el);
    this.openPart = open.part;
  }

  private hideOpen(): void {
    if (this.openPart) this.parts.blocks[this.openPart].setOpen(null);
    this.openPart = null;
  }

  private segmentEnded(id: number): void {
    const els = this.live.get(id);
    if (!els) return;
    this.live.delete(id);
    const failed = isFailed(this.model.segments.get(id));
    for (const el of els) {
      el.classList.remove('sr-pending');
      el.classList.toggle('sr-failed', failed);
    }
  }

  private renderDone(): void {
    const m = this.model;
    const done = m.done;
    if (!done) return;
    this.root.classList.add('sr-done');
    const card = endCard(done, m.rawText);
    const final = this.parts.final;
    final.className = `sr-final sr-final-${card.kind}`;
    final.dataset.end = card.kind;
    const label = document.createElement('span');
    label.className = 'sr-final-label';
    label.textContent = card.title;
    if (card.answer !== null) {
      const math = document.createElement('span');
      math.className = 'sr-final-math';
      math.append(renderMath(`\\boxed{${card.answer}}`, false, card.answer));
      final.replaceChildren(label, math);
    } else {
      const detail = document.createElement('span');
      detail.className = 'sr-final-detail';
      detail.textContent = card.detail;
      final.replaceChildren(label, detail);
    }
    final.hidden = false;
  }

  private note(kind: string, message: string): void {
    const el = document.createElement('div');
    el.className = `sr-note ${kind}`;
    el.setAttribute('role', kind === 'sr-error' ? 'alert' : 'status');
    el.textContent = message;
    this.parts.notes.append(el);
  }
}

function buildSkeleton(root: HTMLElement): Parts {
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    e.className = className;
    return e;
  };
  root.classList.add('sr-trace');
  const problem = el('div', 'sr-problem');
  const meta = el('div', 'sr-meta');
  const legend = el('div', 'sr-legend');
  const stats = el('div', 'sr-stats');
  stats.setAttribute('aria-label', 'Statistics');
  meta.append(legend, stats);
  const think = el('details', 'sr-think sr-empty');
  think.open = true;
  const summary = el('summary', 'sr-think-summary');
  summary.textContent = 'Reasoning';
  const thinkBody = el('div', 'sr-think-body');
  think.append(summary, thinkBody);
  const answer = el('div', 'sr-answer');
  const final = el('div', 'sr-final');
  final.hidden = true;
  final.setAttribute('role', 'status');
  const notes = el('div', 'sr-notes');
  const ignored = el('div', 'sr-note sr-warning sr-ignored');
  ignored.hidden = true;
  root.replaceChildren(problem, meta, think, answer, final, notes, ignored);
  return { problem, legend, stats, think, blocks: { think: new BlockList(thinkBody), answer: new BlockList(answer) }, final, notes, ignored };
}

function renderProblem(el: HTMLElement, problem: string): void {
  const ctx: BlockContext = { segments: new SegmentTable(), live: () => undefined };
  el.replaceChildren(
    ...problem
      .split('\n')
      .filter((l) => l.trim())
      .map((line) => renderBlock({ part: 'answer', runs: [{ seg: -1, text: line }] }, ctx)),
  );
  el.hidden = problem.trim().length === 0;
}
