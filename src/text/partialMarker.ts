/**
 * Streamed text arrives in pieces cut anywhere, so a marker (an offload tag, a stop string, a
 * block fence) can be split across two pieces. What could still be the start of one is held back
 * until the next piece decides. Pure string functions, shared by the split loop, the providers
 * and the webview (this folder imports nothing).
 */

/** Length of the longest end of `text` that is a proper prefix of one of `markers` (0: nothing to hold). */
export function partialMarkerLength(text: string, markers: readonly string[]): number {
  let best = 0;
  for (const m of markers) {
    for (let n = Math.min(m.length - 1, text.length); n > best; n--) {
      if (text.endsWith(m.slice(0, n))) {
        best = n;
        break;
      }
    }
  }
  return best;
}

/** The earliest complete marker in `text` (the longer one where two start at the same place). */
export function firstMarker<M extends string>(text: string, markers: readonly M[]): { at: number; marker: M } | null {
  let best: { at: number; marker: M } | null = null;
  for (const marker of markers) {
    if (!marker) continue;
    const at = text.indexOf(marker);
    if (at >= 0 && (best === null || at < best.at || (at === best.at && marker.length > best.marker.length))) best = { at, marker };
  }
  return best;
}
