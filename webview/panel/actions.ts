/** The panel's toolbar: what each button sends to the host, and when it is enabled. */
import type { CopyFormat, WebviewToHost } from '../protocol';
import { insertText, toLatex, toMarkdown, type Transcript } from '../trace/export';
import { actionButton, type ActionButton } from './toolkit';

export interface ToolbarState {
  running: boolean;
  /** There is a problem to solve again. */
  hasProblem: boolean;
  /** There is trace text to copy or insert. */
  hasText: boolean;
  /** There are events to save. */
  hasEvents: boolean;
}

export interface Toolbar {
  update(state: ToolbarState): void;
}

export function createToolbar(host: HTMLElement, post: (m: WebviewToHost) => void, transcript: () => Transcript): Toolbar {
  const copy = (format: CopyFormat) => () => {
    const t = transcript();
    post({ type: 'copy', format, text: format === 'latex' ? toLatex(t) : toMarkdown(t) });
  };
  const buttons: Record<string, ActionButton> = {
    stop: actionButton('Stop', 'primary', () => post({ type: 'stop' })),
    again: actionButton('Solve again', 'primary', () => post({ type: 'solveAgain' })),
    markdown: actionButton('Copy as Markdown', 'secondary', copy('markdown')),
    latex: actionButton('Copy as LaTeX', 'secondary', copy('latex')),
    insert: actionButton('Insert into editor', 'secondary', () => post({ type: 'insert', text: insertText(transcript()) })),
    save: actionButton('Save trace', 'secondary', () => post({ type: 'saveTrace' })),
  };
  for (const [key, b] of Object.entries(buttons)) {
    b.element.dataset.action = key;
    host.append(b.element);
  }
  const update = (s: ToolbarState): void => {
    buttons.stop.setEnabled(s.running);
    buttons.again.setEnabled(!s.running && s.hasProblem);
    buttons.markdown.setEnabled(s.hasText);
    buttons.latex.setEnabled(s.hasText);
    buttons.insert.setEnabled(s.hasText);
    buttons.save.setEnabled(s.hasEvents);
  };
  update({ running: false, hasProblem: false, hasText: false, hasEvents: false });
  return { update };
}
