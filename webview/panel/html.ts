/**
 * The solve panel's HTML, shared by the VS Code host and the Chromium tests so both run the
 * panel under the same Content-Security-Policy. Pure: no DOM, no 'vscode'.
 */

export interface PanelHtmlOptions {
  /** `webview.cspSource`: where the extension's own files are served from (one or more sources). */
  cspSource: string;
  /** Fresh per page load: the only key that lets a script run. */
  nonce: string;
  /** URI of dist/webview/panel.js as the webview sees it. */
  scriptUri: string;
  /** URIs of the stylesheets (KaTeX's, then media/panel.css). */
  styleUris: readonly string[];
  title: string;
}

/**
 * - default-src 'none': nothing loads unless a directive below allows it (no fetch, frames, media).
 * - script-src 'nonce-…': only our bundle runs; no inline script, no eval, no injected <script>.
 * - style-src ${cspSource} 'nonce-…': stylesheets from the extension, and <style> elements only
 *   with the nonce. The toolkit (FAST) probes for :focus-visible by inserting a <style>; it finds
 *   the nonce in <meta property="csp-nonce">, which only our script can read. No 'unsafe-inline':
 *   neither for other <style> elements nor for any style="" attribute (nonces never allow
 *   attributes). KaTeX still lays out correctly because
 *   render/math.ts uses `katex.render`, which sets positions through the CSSOM
 *   (`el.style.top = …`); CSP governs markup and setAttribute('style'), not the CSSOM. The
 *   string from `katex.renderToString` would need `style-src-attr 'unsafe-inline'`, which lets
 *   any injected markup restyle the panel. What KaTeX still writes with setAttribute('style')
 *   is blocked and harmless: the width of a few SVG glyphs whose wrapper span already has that
 *   width. (Parse errors, whose colour KaTeX would set that way, are shown by render/math.ts in
 *   a span of its own that panel.css colours.)
 *   The toolkit's components style themselves with constructable stylesheets, which CSP does
 *   not govern either.
 * - font-src ${cspSource}: KaTeX's fonts from dist/webview/katex/fonts.
 * - img-src ${cspSource}: no data: or remote images (nothing in the panel needs one).
 * - base-uri/form-action 'none': default-src does not cover them.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  checkSource(cspSource);
  checkNonce(nonce);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function panelHtml(o: PanelHtmlOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  const styles = o.styleUris.map((u) => `  <link rel="stylesheet" href="${attr(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta property="csp-nonce" content="${attr(o.nonce)}">
${styles}
  <title>${text(o.title)}</title>
</head>
<body>
  <header class="sr-toolbar" id="sr-toolbar"></header>
  <main class="sr-main" id="sr-trace"></main>
  <script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** A nonce for one page load (base64 of 16 random bytes; Web Crypto exists in browsers and Node 20). */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

function checkNonce(nonce: string): void {
  if (!/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(nonce)) {
    throw new Error(`panelHtml: nonce must be at least 16 base64 characters (got ${JSON.stringify(nonce)}); use makeNonce()`);
  }
}

/**
 * webview.cspSource: one source expression on the desktop, several on VS Code for the web
 * ("'self' https://*.vscode-cdn.net"). Hosts, schemes and 'self' only: anything that could end
 * the directive or add a keyword such as 'unsafe-inline' is refused.
 */
function checkSource(source: string): void {
  const parts = source.trim().split(/ +/);
  if (!source.trim() || !parts.every((p) => p === "'self'" || /^[^\s;',"]+$/.test(p))) {
    throw new Error(`panelHtml: cspSource must be CSP source expressions (hosts, schemes or 'self') such as webview.cspSource (got ${JSON.stringify(source)})`);
  }
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
