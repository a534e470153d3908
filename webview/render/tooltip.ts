/**
 * The hover card of a segment: which model wrote it, tokens, latency, trigger. One element for
 * the whole trace, filled at hover time from the segment table, so it is always current and
 * costs nothing per token.
 */
import type { StartEvent } from '../../src/split/events';
import { describeSegment, type SegmentTable } from '../trace/segments';

export interface TooltipSource {
  segments: SegmentTable;
  start: StartEvent | null;
}

export function attachTooltip(root: HTMLElement, source: () => TooltipSource): HTMLElement {
  const tip = document.createElement('div');
  tip.className = 'sr-tooltip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  root.append(tip);
  let current: HTMLElement | null = null;

  const show = (el: HTMLElement): void => {
    const { segments, start } = source();
    const info = segments.get(Number(el.dataset.seg));
    if (!info) return hide();
    current = el;
    tip.replaceChildren(
      ...describeSegment(info, start).map((text, i) => {
        const line = document.createElement('div');
        line.className = i === 0 ? 'sr-tooltip-title' : 'sr-tooltip-line';
        line.textContent = text;
        return line;
      }),
    );
    tip.hidden = false;
    const r = el.getBoundingClientRect();
    const below = r.bottom + 6 + tip.offsetHeight < window.innerHeight;
    tip.style.left = `${Math.max(4, Math.min(r.left, window.innerWidth - tip.offsetWidth - 4))}px`;
    tip.style.top = `${below ? r.bottom + 6 : Math.max(4, r.top - tip.offsetHeight - 6)}px`;
  };
  const hide = (): void => {
    current = null;
    tip.hidden = true;
  };

  root.addEventListener('mouseover', (e) => {
    const el = (e.target as Element | null)?.closest?.('[data-seg]');
    if (el instanceof HTMLElement && root.contains(el)) {
      if (el !== current) show(el);
    } else if (current) {
      hide();
    }
  });
  root.addEventListener('mouseleave', hide);
  return tip;
}
