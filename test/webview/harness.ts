/**
 * Real pieces for the webview tests and the render benchmark: an HTTP server on 127.0.0.1 that
 * serves dist/ and the panel page built by the production panelHtml() (same CSP),
 * and Debian's Chromium driven by playwright-core. The only stand-in is acquireVsCodeApi(),
 * the host side of the webview, which records what the panel posts.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { after, before } from 'node:test';
import { extname, join, resolve, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/chromium';
import { makeNonce, panelHtml, contentSecurityPolicy } from '../../webview/panel/html';
import type { HostToWebview, WebviewToHost } from '../../webview/protocol';
import type { Theme } from './themes';

export const ROOT = resolve(__dirname, '../..');
export const ARTIFACTS = join(ROOT, '.test-artifacts', 'webview');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
};

export interface TestServer {
  origin: string;
  /** Extra pages by path (e.g. '/bench'): HTML built per request. */
  pages: Map<string, (origin: string) => string>;
  /** Extra files by URL path, served from memory (e.g. a bundle built by the benchmark). */
  files: Map<string, { type: string; body: string }>;
  close(): Promise<void>;
}

/** Fails with a clear message when dist/ is missing or older than the webview sources. */
export function assertBuilt(): void {
  const bundles = ['dist/webview/panel.js', 'dist/webview/notebookRenderer.js', 'dist/webview/panel.css', 'dist/webview/katex/katex.min.css'].map((p) =>
    join(ROOT, p),
  );
  for (const b of bundles) {
    if (!existsSync(b)) throw new Error(`${b} is missing: run \`npm run build\` before the webview tests`);
  }
  const built = Math.min(...bundles.slice(0, 3).map((b) => statSync(b).mtimeMs));
  const newest = Math.max(newestMtime(join(ROOT, 'webview')), statSync(join(ROOT, 'media', 'panel.css')).mtimeMs);
  if (newest > built) throw new Error('dist/webview is older than the sources in webview/: run `npm run build` before the webview tests');
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function panelPage(origin: string, title = 'SplitReason'): string {
  return panelHtml({
    cspSource: origin,
    nonce: makeNonce(),
    scriptUri: `${origin}/dist/webview/panel.js`,
    styleUris: [`${origin}/dist/webview/katex/katex.min.css`, `${origin}/dist/webview/panel.css`],
    title,
  });
}

/** A page that loads the notebook renderer the way VS Code does: an ES module, then activate(). */
export function notebookPage(origin: string): string {
  const nonce = makeNonce();
  // The renderer is imported as a module: script-src names the origin too. Styles, fonts and
  // images are as strict as the panel's, and only from the renderer's own folder, as in VS Code
  // (which refuses a renderer any other file of the extension); the renderer adds its
  // stylesheets itself.
  const csp = contentSecurityPolicy(`${origin}/dist/webview/`, nonce).replace(`script-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}' ${origin}`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>notebook output</title></head>
<body><div id="output"></div>
<script type="module" nonce="${nonce}">
import { activate } from '${origin}/dist/webview/notebookRenderer.js';
window.__renderer = activate({ workspace: { isTrusted: true } });
window.__rendererReady = true;
</script></body></html>
`;
}

export async function startServer(): Promise<TestServer> {
  const pages = new Map<string, (origin: string) => string>([
    ['/panel', (o) => panelPage(o)],
    ['/notebook', (o) => notebookPage(o)],
  ]);
  const files = new Map<string, { type: string; body: string }>();
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const page = pages.get(path);
      const mem = files.get(path);
      if (page) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(page(origin));
        return;
      }
      if (mem) {
        res.writeHead(200, { 'content-type': mem.type, 'cache-control': 'no-store' });
        res.end(mem.body);
        return;
      }
      const file = resolve(ROOT, '.' + path);
      const allowed = file.startsWith(join(ROOT, 'dist') + sep);
      if (!allowed || !(await stat(file).catch(() => null))?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('test server did not get a TCP port');
  origin = `http://127.0.0.1:${addr.port}`;
  return {
    origin,
    pages,
    files,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export { launchBrowser };

/** What the page reports through the init scripts in page/. */
interface ProbeWindow {
  __probe: {
    send(msg: unknown): Promise<void>;
    frame(): Promise<void>;
  };
  __posted: WebviewToHost[];
  __cspViolations: { directive: string; blocked: string; sample: string }[];
  __pwned?: unknown;
}
// Functions passed to page.evaluate run in the page: they must not use anything from this
// module's scope, so each one casts globalThis itself.

/** A page of the panel (or notebook) with the VS Code stand-in, a theme, and error capture. */
export class WebviewPage {
  readonly pageErrors: string[] = [];
  readonly dialogs: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
    page.on('dialog', (d) => {
      this.dialogs.push(d.message());
      void d.dismiss();
    });
  }

  static async open(browser: Browser, url: string, theme: Theme, viewport = { width: 820, height: 900 }): Promise<WebviewPage> {
    const page = await browser.newPage({ viewport });
    const p = new WebviewPage(page);
    await page.addInitScript({ content: `window.__srTheme = ${JSON.stringify(theme)};` });
    await page.addInitScript({ path: join(__dirname, 'page', 'stub.js') });
    await page.addInitScript({ path: join(__dirname, 'page', 'probes.js') });
    await page.goto(url);
    await page.waitForLoadState('load');
    return p;
  }

  /** Posts a host message and waits until the panel has rendered it. */
  send(msg: HostToWebview | { type: string; [k: string]: unknown }): Promise<void> {
    return this.page.evaluate((m) => (globalThis as unknown as ProbeWindow).__probe.send(m), msg);
  }

  frame(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeWindow).__probe.frame());
  }

  posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeWindow).__posted);
  }

  cspViolations(): Promise<{ directive: string; blocked: string; sample: string }[]> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeWindow).__cspViolations);
  }

  pwned(): Promise<unknown> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeWindow).__pwned);
  }

  /** Runs a function of the in-page probe library (page/probes.js) by name. */
  probe<T>(name: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(([n, a]) => ((globalThis as unknown as ProbeWindow).__probe as unknown as Record<string, (...x: unknown[]) => T>)[n](...a), [
      name,
      args,
    ] as const);
  }

  async screenshot(name: string): Promise<string> {
    const path = join(ARTIFACTS, name);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

/** The page server and browser a test file shares: started before its tests, closed after. */
export function sharedBrowser(): { readonly server: TestServer; readonly browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser };
  before(async () => {
    assertBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
