/**
 * What the colours mean. The swatches carry the same classes as the segments they explain, so
 * legend and text cannot drift apart in any theme.
 */
import type { StartEvent } from '../../src/split/events';

export function renderLegend(el: HTMLElement, start: StartEvent | null): void {
  const item = (classes: string, label: string, model: string | undefined): HTMLElement => {
    const row = document.createElement('span');
    row.className = 'sr-legend-item';
    const swatch = document.createElement('span');
    swatch.className = `sr-swatch ${classes}`;
    swatch.textContent = 'abc';
    swatch.setAttribute('aria-hidden', 'true');
    const text = document.createElement('span');
    text.textContent = model ? `${label} (${model})` : label;
    row.append(swatch, text);
    return row;
  };
  el.replaceChildren(
    item('sr-seg sr-small', 'Local model', start?.smallModel || undefined),
    item('sr-seg sr-big', 'Offloaded', start?.bigModel || undefined),
    item('sr-seg sr-big sr-failed', 'Failed offload', undefined),
  );
}
