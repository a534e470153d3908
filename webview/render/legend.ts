/**
 * What the colours mean, for the kinds of text the trace holds so far. The swatches carry the
 * same classes as the segments they explain, so legend and text cannot drift apart in any
 * theme. Models by their short name; the full name (a folder's path) is the tooltip.
 */
import type { StartEvent } from '../../src/split/events';
import type { SegmentKinds } from '../trace/model';
import { shortModelName } from '../trace/modelName';

export function renderLegend(el: HTMLElement, start: StartEvent | null, kinds: SegmentKinds): void {
  const item = (classes: string, label: string, model: string | undefined): HTMLElement => {
    const row = document.createElement('span');
    row.className = 'sr-legend-item';
    const swatch = document.createElement('span');
    swatch.className = `sr-swatch ${classes}`;
    swatch.textContent = 'abc';
    swatch.setAttribute('aria-hidden', 'true');
    const text = document.createElement('span');
    text.textContent = model ? `${label} (${shortModelName(model)})` : label;
    if (model) row.title = `${label}: ${model}`;
    row.append(swatch, text);
    return row;
  };
  const items: HTMLElement[] = [];
  if (kinds.small) items.push(item('sr-seg sr-small', 'Local model', start?.smallModel || undefined));
  if (kinds.big) items.push(item('sr-seg sr-big', 'Offloaded', start?.bigModel || undefined));
  if (kinds.failed) items.push(item('sr-seg sr-big sr-failed', 'Failed offload', undefined));
  el.replaceChildren(...items);
  el.hidden = items.length === 0;
}
