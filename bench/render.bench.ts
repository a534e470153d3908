/**
 * Render benchmark (not a test): replays a 20k-token trace in headless Chromium, token by
 * token, through the panel's incremental renderer, and compares the cost of one token with a
 * full re-render of the trace so far (the same renderer, a fresh view, the whole prefix), the
 * peer measured in the same run. Each token's cost includes the layout it causes.
 *
 *   npm run build && node --import tsx bench/render.bench.ts [tokens]
 *
 * The renderer is bundled from webview/ sources by esbuild for this page; KaTeX's stylesheet
 * and fonts come from dist/webview/katex (npm run build).
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceEvent } from '../src/split/events';
import { makeNonce, panelHtml } from '../webview/panel/html';
import { launchBrowser, ROOT, startServer, WebviewPage } from '../test/webview/harness';
import { DARK } from '../test/webview/themes';

const TOKENS = Number(process.argv[2] ?? 20_000);
/** Prefix lengths at which a full re-render is timed (midpoints of equal slices of the trace). */
const FULL_SAMPLES = 20;
/** Tokens per timing window of the incremental run. */
const WINDOW = 50;

/** Deterministic pseudo-random numbers (mulberry32), so every run replays the same trace. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reasoning text in the shape of a small model's: short lines, inline math, some display math. */
function reasoningLine(r: () => number, i: number): string {
  const a = 10 + Math.floor(r() * 90);
  const b = 10 + Math.floor(r() * 90);
  const forms = [
    `Next, compute $${a} \\times ${b} = ${a * b}$ and keep it for later.`,
    `So the remainder is $${a * b} \\bmod ${b - 3} = ${(a * b) % (b - 3)}$, which we check once more.`,
    `Wait, let me verify: $\\frac{${a}}{${b}} + \\frac{1}{${b}} = \\frac{${a + 1}}{${b}}$.`,
    `**Step ${i}:** the sum of the first $n$ terms is $S_n = \\frac{n(n+1)}{2}$, so $S_{${a}} = ${(a * (a + 1)) / 2}$.`,
    `$$\\sum_{k=1}^{${a}} k^2 = \\frac{${a}(${a}+1)(2\\cdot ${a}+1)}{6} = ${(a * (a + 1) * (2 * a + 1)) / 6}$$`,
    `Hmm, that means $x^2 - ${a}x + ${b} = 0$ has discriminant $${a * a - 4 * b}$.`,
    `We can factor it as $(x - ${a})(x + ${b})$ and read off the roots directly.`,
  ];
  return forms[Math.floor(r() * forms.length)];
}

/** Pieces the size of model tokens: a word with its leading space, a TeX command, a digit run, a symbol. */
function tokenize(text: string): string[] {
  return text.match(/ ?[A-Za-z]+|\\[A-Za-z]+| ?\d{1,3}|\s|[^\sA-Za-z\d]/g) ?? [];
}

/** A trace of `n` tokens: ~5 % offloaded in segments of 40–120 tokens, the answer at the end. */
function makeTrace(n: number): TraceEvent[] {
  const r = rng(2504_16379);
  const events: TraceEvent[] = [
    { type: 'start', problem: 'A long competition problem.', smallModel: 'small', bigModel: 'big', device: 'cpu', policy: 'learned', time: 0 },
  ];
  let seg = 0;
  let big = false;
  let left = 0;
  const open = (): void => {
    events.push({ type: 'segment', id: seg, source: big ? 'big' : 'small', trigger: big ? 'learned' : 'handback' });
    left = big ? 40 + Math.floor(r() * 80) : 800 + Math.floor(r() * 1600);
  };
  open();
  const answer = ['\n', '</think>', '\n', ...tokenize('The answer is $\\boxed{3913}$.')];
  const tokens = ['<think>', '\n'];
  for (let line = 0; tokens.length < n - answer.length; line++) tokens.push(...tokenize(reasoningLine(r, line)), '\n');
  tokens.length = n - answer.length;
  tokens.push(...answer);
  for (const text of tokens) {
    events.push({ type: 'text', id: seg, text });
    if (--left === 0) {
      events.push({ type: 'segmentEnd', id: seg, tokens: 0, ms: 0, reason: big ? 'handback' : 'offload' });
      seg++;
      big = !big;
      open();
    }
  }
  events.push({ type: 'segmentEnd', id: seg, tokens: 0, ms: 0, reason: 'eos' }, { type: 'done', answer: '3913', reason: 'eos' });
  return events;
}

/**
 * Runs in the page (a string, so it is not compiled against Node's types). Times are taken per
 * window of tokens: performance.now() is coarse (0.1 ms) outside cross-origin isolation.
 */
const PAGE_BENCH = `async (events, samples, window_) => {
  const { TraceView } = window.SRBench;
  const host = document.getElementById('sr-trace');
  const fresh = () => { const el = document.createElement('div'); host.replaceChildren(el); return el; };
  const tokenEnds = [];
  events.forEach((e, i) => { if (e.type === 'text') tokenEnds.push(i + 1); });
  const tokens = tokenEnds.length;

  // Incremental: event by event, each flushed and laid out (a stream of one token per frame).
  const streamed = (upTo) => {
    const root = fresh();
    const view = new TraceView(root);
    const windows = [];
    let t0 = performance.now();
    let counted = 0;
    for (let i = 0; i < upTo; i++) {
      view.apply([events[i]]);
      view.flush();
      void root.offsetHeight;
      if (events[i].type === 'text' && ++counted % window_ === 0) {
        const t = performance.now();
        windows.push((t - t0) / window_);
        t0 = t;
      }
    }
    return { windows, elements: root.querySelectorAll('*').length };
  };
  // Full re-render: the trace up to token k from scratch (best of two, after a warm-up).
  const full = (k) => {
    let best = Infinity;
    for (let rep = 0; rep < 2; rep++) {
      const el = fresh();
      const t0 = performance.now();
      const v = new TraceView(el);
      v.apply(events.slice(0, tokenEnds[k - 1]));
      v.flush();
      void el.offsetHeight;
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };

  streamed(tokenEnds[Math.min(tokens, 2000) - 1]); // warm-up: JIT, fonts, KaTeX
  const inc = streamed(events.length);
  full(tokens);
  const fulls = [];
  for (let s = 0; s < samples; s++) {
    const k = Math.max(1, Math.floor(((s + 0.5) / samples) * tokens));
    fulls.push({ k, ms: full(k) });
  }
  return { tokens, windows: inc.windows, full: fulls, elements: inc.elements };
}`;

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/webview/katex/katex.min.css'))) {
    throw new Error("dist/webview/katex is missing: run `npm run build` first (it copies KaTeX's stylesheet and fonts)");
  }
  const bundle = await build({
    stdin: {
      contents: "import { TraceView } from './webview/render/traceView';\nObject.assign(globalThis, { SRBench: { TraceView } });",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  });
  const server = await startServer();
  server.files.set('/bench/render.js', { type: 'text/javascript', body: bundle.outputFiles[0].text });
  server.pages.set('/bench', (o) =>
    panelHtml({
      cspSource: o,
      nonce: makeNonce(),
      scriptUri: `${o}/bench/render.js`,
      styleUris: [`${o}/dist/webview/katex/katex.min.css`, `${o}/media/panel.css`],
      title: 'render bench',
    }),
  );
  const browser = await launchBrowser();
  try {
    const events = makeTrace(TOKENS);
    const p = await WebviewPage.open(browser, `${server.origin}/bench`, DARK, { width: 900, height: 1000 });
    const res = (await p.page.evaluate(`(${PAGE_BENCH})(${JSON.stringify(events)}, ${FULL_SAMPLES}, ${WINDOW})`)) as {
      tokens: number;
      windows: number[];
      full: { k: number; ms: number }[];
      elements: number;
    };
    if (p.pageErrors.length) throw new Error(`page errors: ${p.pageErrors.join('; ')}`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const w = res.windows;
    const incremental = mean(w);
    const fullPerToken = mean(res.full.map((f) => f.ms));
    const tenth = Math.max(1, Math.floor(w.length / 10));
    const first = mean(w.slice(0, tenth));
    const last = mean(w.slice(w.length - tenth));
    const chromium = `Chromium ${browser.version()} headless on this machine's CPU`;
    console.log(`render bench: ${res.tokens} tokens (${events.length} events), ${res.elements} elements at the end; ${chromium}`);
    const ends = `first 10 %: ${first.toFixed(4)}, last 10 %: ${last.toFixed(4)}`;
    console.log(`incremental  : ${incremental.toFixed(4)} ms/token (${ends}, worst ${WINDOW}-token window: ${Math.max(...w).toFixed(4)})`);
    const fullTimes = res.full.map((f) => `${f.k}:${f.ms.toFixed(0)}`).join(' ');
    console.log(`full render  : ${fullPerToken.toFixed(2)} ms/token (mean over ${res.full.length} prefixes, k:ms = ${fullTimes})`);
    console.log(`ratio        : ${(fullPerToken / incremental).toFixed(0)}x  (goal >= 10x)`);
    console.log(`growth       : incremental cost, last 10 % vs first 10 % of the trace: ${(last / first).toFixed(2)}x`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
