import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../webview/panel/html';

const origin = 'https://file+.vscode-resource.vscode-cdn.net';
const page = (over: Partial<Parameters<typeof panelHtml>[0]> = {}) =>
  panelHtml({
    cspSource: origin,
    nonce: 'abcdefghijklmnopqrstuv==',
    scriptUri: `${origin}/ext/dist/webview/panel.js`,
    styleUris: [`${origin}/ext/dist/webview/katex/katex.min.css`, `${origin}/ext/dist/webview/panel.css`],
    title: 'SplitReason',
    ...over,
  });

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

test('the CSP allows only the extension origin and the nonce, nothing inline', () => {
  const d = directives(contentSecurityPolicy(origin, 'abcdefghijklmnopqrstuv=='));
  assert.deepEqual(d.get('default-src'), ["'none'"]);
  assert.deepEqual(d.get('script-src'), ["'nonce-abcdefghijklmnopqrstuv=='"]);
  assert.deepEqual(d.get('style-src'), [origin, "'nonce-abcdefghijklmnopqrstuv=='"]);
  assert.deepEqual(d.get('font-src'), [origin]);
  assert.deepEqual(d.get('img-src'), [origin]);
  assert.deepEqual(d.get('base-uri'), ["'none'"]);
  for (const values of d.values()) {
    for (const v of values) assert.ok(!["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", '*', 'data:', 'https:'].includes(v), v);
  }
});

test('the page carries the CSP in a meta tag, the nonce on its only script, styles in order', () => {
  const html = page();
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta);
  assert.equal(meta[1].replace(/&#39;|&apos;/g, "'"), contentSecurityPolicy(origin, 'abcdefghijklmnopqrstuv=='));
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, [`<script nonce="abcdefghijklmnopqrstuv==" src="${origin}/ext/dist/webview/panel.js">`]);
  const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]*)">/g)].map((m) => m[1]);
  assert.deepEqual(links, [`${origin}/ext/dist/webview/katex/katex.min.css`, `${origin}/ext/dist/webview/panel.css`]);
  assert.ok(html.includes('id="sr-trace"') && html.includes('id="sr-toolbar"'));
});

test('title and URIs are escaped', () => {
  const html = page({ title: '</title><script>alert(1)</script>', scriptUri: 'x" onload="alert(1)' });
  assert.ok(!html.includes('<script>alert(1)'));
  assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;'));
  assert.ok(html.includes('src="x&quot; onload=&quot;alert(1)"'));
});

test('a weak nonce or a cspSource that smuggles directives is refused with a reason', () => {
  assert.throws(() => page({ nonce: 'short' }), /nonce must be at least 16 base64 characters/);
  assert.throws(() => page({ nonce: "abcdefghijklmnopqrstuv' 'unsafe-inline" }), /nonce/);
  assert.throws(() => page({ cspSource: "https://x; script-src 'unsafe-inline'" }), /cspSource must be CSP source expressions/);
  assert.throws(() => page({ cspSource: "https://x 'unsafe-inline'" }), /cspSource/);
  assert.throws(() => page({ cspSource: ' ' }), /cspSource/);
});

test('VS Code for the web reports several sources: all of them go into each directive', () => {
  const d = directives(contentSecurityPolicy("'self' https://*.vscode-cdn.net", 'abcdefghijklmnopqrstuv=='));
  assert.deepEqual(d.get('font-src'), ["'self'", 'https://*.vscode-cdn.net']);
  assert.deepEqual(d.get('style-src'), ["'self'", 'https://*.vscode-cdn.net', "'nonce-abcdefghijklmnopqrstuv=='"]);
});

test('makeNonce gives distinct 24-character base64 nonces', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(a, b);
});
