/** Tokens local / offloaded, offload %, tokens/s, device: from the latest `stats` event. */
import type { TraceModel } from '../trace/model';

export function renderStats(el: HTMLElement, model: TraceModel): void {
  const s = model.stats;
  const small = s ? s.smallTokens : model.endedTokens.small;
  const big = s ? s.bigTokens : model.endedTokens.big;
  const fraction = s ? s.offloadFraction : small + big > 0 ? big / (small + big) : 0;
  const device = s?.device || model.start?.device || '';
  // Nothing was generated (a notice instead of a solve): no row of zeros.
  el.hidden = !s && !model.kinds.small && !model.kinds.big;
  const stats: [string, string, string][] = [
    ['local', 'Local', `${small.toLocaleString('en-US')} tok`],
    ['offloaded', 'Offloaded', `${big.toLocaleString('en-US')} tok`],
    ['fraction', 'Offload', `${(fraction * 100).toFixed(1)} %`],
  ];
  if (s) stats.push(['speed', 'Speed', `${s.tokensPerSecond.toFixed(1)} tok/s`]);
  if (device) stats.push(['device', 'Device', device]);
  el.replaceChildren(
    ...stats.map(([key, label, value]) => {
      const item = document.createElement('span');
      item.className = 'sr-stat';
      item.dataset.stat = key;
      const name = document.createElement('span');
      name.className = 'sr-stat-label';
      name.textContent = label;
      const v = document.createElement('span');
      v.className = 'sr-stat-value';
      v.textContent = value;
      item.append(name, v);
      return item;
    }),
  );
}
