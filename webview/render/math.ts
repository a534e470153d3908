/**
 * KaTeX for untrusted TeX. `katex.render` builds DOM nodes and sets their layout through the
 * CSSOM (`node.style.top = …`), which a Content-Security-Policy without 'unsafe-inline' allows;
 * the string from `renderToString` would need style *attributes*, which such a policy blocks.
 * That is what lets the panel's CSP forbid inline styles entirely (see panel/html.ts). KaTeX's
 * own error span sets its colour with a style attribute, which that CSP refuses (a violation
 * per error): parse errors are caught here and shown in a span of our own.
 */
import katex from 'katex';
import { trustSegmentClass } from './segmentTex';

/**
 * trust: false turns \href, \url, \includegraphics, \htmlClass… into plain text; TeX wrapped
 * by segmentTex.ts is typeset with trustSegmentClass instead, which lets only our own
 * `\htmlClass{sr-texseg-<id>}` through.
 * maxSize caps user-specified sizes (em) so \rule or \kern cannot cover the panel;
 * maxExpand caps macro expansion so \def loops end.
 */
export const KATEX_OPTIONS = {
  throwOnError: true,
  trust: false,
  strict: 'ignore',
  maxSize: 10,
  maxExpand: 200,
  output: 'htmlAndMathml',
} as const;

/** TeX longer or deeper than this is shown as text: KaTeX's parser recurses per brace level. */
export const MAX_TEX_CHARS = 3000;
export const MAX_BRACE_DEPTH = 50;

/** Rendered math by key; an open block re-renders every frame, and a closed block repeats its math. */
const cache = new Map<string, HTMLElement>();
const CACHE_SIZE = 256;

/**
 * A span with the typeset math, or with the source as text when it cannot be typeset safely.
 * `segmented`: the same TeX with segment wraps (segmentTex.ts), typeset instead when KaTeX
 * accepts it; the MathML annotation keeps the TeX as written.
 */
export function renderMath(tex: string, display: boolean, source: string, segmented: string | null = null): HTMLElement {
  const key = (display ? 'D' : 'I') + (segmented !== null ? 'S' + segmented : 'T' + tex);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recently used goes last
    cache.set(key, hit);
    return hit.cloneNode(true) as HTMLElement;
  }
  const el = (segmented !== null ? typesetSegmented(segmented, tex, display) : null) ?? typeset(tex, display, source);
  cache.set(key, el.cloneNode(true) as HTMLElement);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return el;
}

function tooBig(tex: string): string | null {
  return tex.length > MAX_TEX_CHARS ? 'too long' : braceDepth(tex) > MAX_BRACE_DEPTH ? 'nested too deeply' : null;
}

/** Null when the wrapped TeX does not typeset: the caller typesets the formula whole. */
function typesetSegmented(segmented: string, tex: string, display: boolean): HTMLElement | null {
  if (tooBig(segmented)) return null;
  const el = document.createElement('span');
  try {
    katex.render(segmented, el, { ...KATEX_OPTIONS, trust: trustSegmentClass, displayMode: display });
  } catch {
    return null;
  }
  for (const a of el.querySelectorAll('annotation[encoding="application/x-tex"]')) a.textContent = tex;
  return el;
}

function typeset(tex: string, display: boolean, source: string): HTMLElement {
  const el = document.createElement('span');
  const big = tooBig(tex);
  if (big) return rawMath(el, source, `Not typeset: ${big}`);
  try {
    katex.render(tex, el, { ...KATEX_OPTIONS, displayMode: display });
    return el;
  } catch (e) {
    if (e instanceof katex.ParseError) return parseError(el, tex, e.message);
    // Anything else (a stack overflow) lands here.
    return rawMath(el, source, `Not typeset: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** What KaTeX shows for a parse error (the TeX, titled with the error), coloured by panel.css. */
function parseError(el: HTMLElement, tex: string, message: string): HTMLElement {
  el.replaceChildren(document.createTextNode(tex));
  el.className = 'katex-error';
  el.title = message;
  return el;
}

function rawMath(el: HTMLElement, source: string, why: string): HTMLElement {
  el.replaceChildren(document.createTextNode(source));
  el.className = 'sr-math-raw';
  el.title = why;
  return el;
}

function braceDepth(tex: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') i++;
    else if (c === '{') max = Math.max(max, ++depth);
    else if (c === '}') depth--;
  }
  return max;
}
