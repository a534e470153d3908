// Bundles every entry point that exists with esbuild. Entries are optional so the build
// keeps working while layers are added; a missing entry is skipped, a broken one fails.
// `npm ci` runs it too (package.json "prepare"), so the CLI and the extension work right after
// install; an install without devDependencies has no esbuild and keeps what dist/ holds.
import { existsSync, mkdirSync, cpSync } from 'node:fs';

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  console.warn('build: esbuild is not installed (an install without devDependencies?); dist/ left as it is');
  process.exit(process.argv.includes('--if-available') ? 0 : 1);
}

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const node = { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'onnxruntime-node', '@huggingface/transformers'] };
const browser = { platform: 'browser', format: 'iife', target: 'es2022' };

const entries = [
  { in: 'src/vscode/extension.ts', out: 'dist/extension.js', ...node },
  { in: 'src/cli/main.ts', out: 'dist/cli.js', ...node, banner: { js: '#!/usr/bin/env node' } },
  { in: 'src/engine/process/main.ts', out: 'dist/engineProcess.js', ...node },
  // the checkpoint converter, run by the extension in a child process
  { in: 'src/models/convertChild.ts', out: 'dist/convertChild.js', ...node },
  { in: 'webview/panel/main.ts', out: 'dist/webview/panel.js', ...browser },
  { in: 'webview/notebook/renderer.ts', out: 'dist/webview/notebookRenderer.js', platform: 'browser', format: 'esm', target: 'es2022' },
];

mkdirSync('dist', { recursive: true });
const jobs = entries
  .filter((e) => existsSync(e.in))
  .map(({ in: entry, out, ...opts }) =>
    build({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      sourcemap: !production,
      minify: production,
      logLevel: 'warning',
      loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
      ...opts,
    }),
  );
await Promise.all(jobs);
// KaTeX's stylesheet and fonts are served to the webview from the extension folder (CSP: no remote).
if (existsSync('node_modules/katex/dist/katex.min.css')) {
  mkdirSync('dist/webview/katex', { recursive: true });
  cpSync('node_modules/katex/dist/katex.min.css', 'dist/webview/katex/katex.min.css');
  cpSync('node_modules/katex/dist/fonts', 'dist/webview/katex/fonts', { recursive: true });
}
// The notebook renderer may load files only from its own folder (VS Code's rule for renderers).
if (existsSync('media/panel.css')) cpSync('media/panel.css', 'dist/webview/panel.css');
if (watch) console.log('watch mode is not implemented; rerun npm run build');
