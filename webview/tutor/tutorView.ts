/**
 * Tutor mode: the trace is revealed one step at a time (Next step / Hint / Show all), and
 * before each step the student may type their own attempt, which the host's CAS checker judges
 * against the steps shown so far. Steps the model already wrote wait behind the reveal; a
 * Next pressed before the step exists reveals it when it arrives. Plain buttons and an input:
 * keyboard operable as they are; the status line is a live region.
 */
import type { HostToWebview, WebviewToHost } from '../protocol';
import { renderBlock } from '../render/blockDom';
import { SegmentTable } from '../trace/segments';
import { hintFor, stepsOf } from './steps';

type Verdict = Extract<HostToWebview, { type: 'tutorVerdict' }>;

export interface TutorSource {
  problem: string;
  rawText: string;
  done: boolean;
}

function button(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'sr-tutor-button';
  b.dataset.tutor = action;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export class TutorView {
  readonly el: HTMLElement;
  readonly toggle: HTMLButtonElement;
  private on = false;
  private revealed = 0;
  private waiting = false;
  private steps: string[] = [];
  private done = false;
  private problem = '';
  private attemptId = 0;
  private readonly list: HTMLOListElement;
  private readonly status: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly verdict: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly buttons: Record<'next' | 'hint' | 'all' | 'check', HTMLButtonElement>;

  constructor(
    private readonly root: HTMLElement,
    private readonly post: (m: WebviewToHost) => void,
  ) {
    this.toggle = button('Tutor mode', 'toggle', () => this.setOn(!this.on));
    this.toggle.setAttribute('aria-pressed', 'false');
    this.el = document.createElement('section');
    this.el.className = 'sr-tutor';
    this.el.setAttribute('aria-label', 'Tutor: the solution one step at a time');
    this.el.hidden = true;
    this.list = document.createElement('ol');
    this.list.className = 'sr-tutor-steps';
    this.hint = document.createElement('div');
    this.hint.className = 'sr-tutor-hint';
    this.hint.hidden = true;
    const form = document.createElement('form');
    form.className = 'sr-tutor-attempt';
    const label = document.createElement('label');
    label.textContent = 'Your next step';
    this.input = document.createElement('input');
    this.input.type = 'text';
    this.input.className = 'sr-tutor-input';
    this.input.placeholder = 'e.g. $47 \\times 80 = 3760$';
    label.append(this.input);
    this.buttons = {
      check: button('Check my step', 'check', () => this.submit()),
      next: button('Next step', 'next', () => this.next()),
      hint: button('Hint', 'hint', () => this.showHint()),
      all: button('Show all', 'all', () => this.showAll()),
    };
    this.buttons.check.type = 'submit';
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    form.append(label, this.buttons.check);
    this.verdict = document.createElement('div');
    this.verdict.className = 'sr-tutor-verdict';
    this.verdict.setAttribute('role', 'status');
    const controls = document.createElement('div');
    controls.className = 'sr-tutor-controls';
    controls.append(this.buttons.next, this.buttons.hint, this.buttons.all);
    this.status = document.createElement('div');
    this.status.className = 'sr-tutor-status';
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.el.append(this.list, this.hint, form, this.verdict, controls, this.status);
  }

  get isOn(): boolean {
    return this.on;
  }

  setOn(on: boolean): void {
    this.on = on;
    this.toggle.setAttribute('aria-pressed', String(on));
    this.el.hidden = !on;
    this.root.classList.toggle('sr-tutor-on', on);
    this.render();
  }

  /** A new solve: nothing revealed yet. */
  reset(): void {
    this.revealed = 0;
    this.waiting = false;
    this.steps = [];
    this.done = false;
    this.list.replaceChildren();
    this.hint.hidden = true;
    this.verdict.textContent = '';
    this.input.value = '';
    this.render();
  }

  /** Called after each render of the trace: new steps may have arrived. */
  update(source: TutorSource): void {
    this.problem = source.problem;
    this.done = source.done;
    this.steps = stepsOf(source.rawText, source.done).steps;
    if (this.waiting && this.revealed < this.steps.length) {
      this.waiting = false;
      this.reveal(this.revealed + 1);
    }
    this.render();
  }

  /** The host's verdict on an attempt; stale ones (an older attempt) are ignored. */
  verdictArrived(v: Verdict): void {
    if (v.id !== this.attemptId) return;
    const text =
      v.verdict === 'correct'
        ? `✓ Correct: ${v.message}`
        : v.verdict === 'incorrect'
          ? '✗ Not quite: that step does not follow. Look at it again, or ask for a hint.'
          : '? The checker cannot judge that step; compare it with the next step yourself.';
    this.verdict.textContent = text;
    this.verdict.dataset.verdict = v.verdict;
  }

  private next(): void {
    if (this.revealed < this.steps.length) this.reveal(this.revealed + 1);
    else if (!this.done) this.waiting = true;
    this.render();
  }

  private showHint(): void {
    const step = this.steps[this.revealed];
    this.hint.hidden = false;
    this.hint.textContent = step === undefined ? 'No hint yet: the next step is still being written.' : `Hint: the next step looks like ${hintFor(step)}`;
  }

  private showAll(): void {
    this.reveal(this.steps.length);
    this.waiting = false;
    this.render();
  }

  private submit(): void {
    const attempt = this.input.value.trim();
    if (!attempt) {
      this.verdict.textContent = 'Type your next step first.';
      delete this.verdict.dataset.verdict;
      return;
    }
    this.attemptId++;
    this.verdict.textContent = 'Checking…';
    delete this.verdict.dataset.verdict;
    this.post({ type: 'tutorCheck', id: this.attemptId, problem: this.problem, steps: this.steps.slice(0, this.revealed), attempt });
  }

  private reveal(upTo: number): void {
    const ctx = { segments: new SegmentTable(), live: () => undefined };
    for (let i = this.revealed; i < upTo; i++) {
      const li = document.createElement('li');
      li.className = 'sr-tutor-step';
      li.append(renderBlock({ part: 'answer', runs: [{ seg: -1, text: this.steps[i] }] }, ctx));
      this.list.append(li);
    }
    this.revealed = Math.max(this.revealed, upTo);
    this.hint.hidden = true;
  }

  private render(): void {
    const total = this.steps.length;
    const more = this.revealed < total || !this.done;
    this.buttons.next.disabled = !more;
    this.buttons.all.disabled = this.revealed >= total;
    this.buttons.hint.disabled = !more;
    this.status.textContent = this.waiting
      ? 'The next step is still being written…'
      : `Step ${this.revealed} of ${total}${this.done ? '' : ' so far'}${total > this.revealed ? ` (${total - this.revealed} waiting)` : ''}`;
  }
}
