/**
 * A notice the host shows instead of a trace (a problem outside the model's domain): a title,
 * a message and buttons. A button sends only its index; the host decides what it does.
 */
import type { WebviewToHost } from '../protocol';
import { actionButton } from './toolkit';
import { renderBlock } from '../render/blockDom';
import { SegmentTable } from '../trace/segments';

export function renderNotice(el: HTMLElement, notice: { title?: unknown; message?: unknown; actions?: unknown }, post: (m: WebviewToHost) => void): void {
  const title = document.createElement('div');
  title.className = 'sr-notice-title';
  title.textContent = typeof notice.title === 'string' ? notice.title : '';
  // Text with inline math (a model's example problem), typeset like the problem line.
  const text = typeof notice.message === 'string' ? notice.message : '';
  const message = renderBlock({ part: 'answer', runs: [{ seg: -1, text }] }, { segments: new SegmentTable(), live: () => undefined });
  message.classList.add('sr-notice-message');
  const actions = document.createElement('div');
  actions.className = 'sr-notice-actions';
  const labels = Array.isArray(notice.actions) ? notice.actions.filter((a): a is string => typeof a === 'string') : [];
  labels.forEach((label, index) => {
    const b = actionButton(label, index === 0 ? 'primary' : 'secondary', () => post({ type: 'noticeAction', index }));
    b.element.dataset.notice = String(index);
    actions.append(b.element);
  });
  el.replaceChildren(title, message, actions);
  el.hidden = false;
}

export function clearNotice(el: HTMLElement): void {
  el.replaceChildren();
  el.hidden = true;
}
