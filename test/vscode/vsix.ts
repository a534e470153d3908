/**
 * The packaged extension, as a user gets it: `vsce package` (with .vscodeignore) and then
 * `code-server --install-extension` into a fresh extensions folder. That folder lies outside
 * the repository, so that Node's module lookup from the installed extension can never fall
 * back to the repository's node_modules: what the VSIX lacks is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { CODE_SERVER_BIN, REPO } from './codeServer';

const VSCE = join(REPO, 'node_modules/@vscode/vsce/vsce');
export const EXTENSION_FOLDER = 'splitreason.splitreason-0.1.0';

function run(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', env, timeout: 5 * 60_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}, signal ${r.signal}):\n${out}`);
  return out;
}

/** `vsce package` into `out`; returns the .vsix path. */
export function packageVsix(out: string): string {
  mkdirSync(out, { recursive: true });
  const vsix = join(out, 'splitreason.vsix');
  // README.md links to ../shared/DESIGN.md, outside the package: keep links as written
  // rather than invent a repository URL; the package.json has no "repository" yet.
  run('vsce package', process.execPath, [VSCE, 'package', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix]);
  return vsix;
}

/** Installs the VSIX with code-server's own CLI; returns the extensions folder. */
export function installVsix(vsix: string, scratch: string, extensionsDir: string): string {
  for (let d = dirname(extensionsDir); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) throw new Error(`${join(d, 'node_modules')} would hide what the VSIX lacks; install somewhere else`);
  }
  const env = { ...process.env, TMPDIR: join(scratch, 'tmp'), XDG_CONFIG_HOME: join(scratch, 'config'), XDG_DATA_HOME: join(scratch, 'data'), XDG_CACHE_HOME: join(scratch, 'cache') };
  for (const d of [env.TMPDIR, env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME]) mkdirSync(d, { recursive: true });
  const out = run('code-server --install-extension', CODE_SERVER_BIN, ['--extensions-dir', extensionsDir, '--user-data-dir', join(scratch, 'user-data'), '--install-extension', vsix], env);
  if (!existsSync(join(extensionsDir, EXTENSION_FOLDER, 'package.json'))) throw new Error(`the VSIX did not install into ${extensionsDir}:\n${out}`);
  return extensionsDir;
}

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [relative(base, p).split(sep).join('/')];
  });
}

/**
 * What an installed SplitReason may contain (.vscodeignore): the manifest and readme, the
 * bundles, styles, catalog and model folders, and onnxruntime-node's runtime files. Returns
 * the files that match none, and the required files that are missing.
 */
export function checkInstalledFiles(extensionDir: string, requiredModels: string[]): { unexpected: string[]; missing: string[] } {
  const allowed = [
    /^(package\.json|readme\.md|changelog\.md|license(\.md|\.txt)?|\.vsixmanifest)$/i,
    /^dist\/(extension|engineProcess)\.js$/,
    /^dist\/webview\/(panel|notebookRenderer)\.js$/,
    /^dist\/webview\/panel\.css$/,
    /^dist\/webview\/katex\/(katex\.min\.css|fonts\/[\w-]+\.woff2)$/,
    /^models\/catalog\.json$/,
    // A model folder's runtime files (DESIGN.md §2), nothing else of it.
    /^models\/[\w.-]+\/(config\.json|generation_config\.json|tokenizer\.json|tokenizer_config\.json|splitreason\.json|onnx\/model[\w]*\.onnx(_data)?)$/,
    /^node_modules\/onnxruntime-node\/(package\.json|dist\/\w+\.js|bin\/napi-v6\/\w+\/\w+\/[\w.-]+\.(node|so\.1|dylib|dll))$/,
    /^node_modules\/onnxruntime-common\/(package\.json|dist\/cjs\/(package\.json|[\w-]+\.js))$/,
  ];
  const have = files(extensionDir);
  const required = [
    'package.json',
    'dist/extension.js',
    'dist/engineProcess.js',
    'dist/webview/panel.js',
    'dist/webview/notebookRenderer.js',
    'dist/webview/katex/katex.min.css',
    'dist/webview/panel.css',
    'models/catalog.json',
    `node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`,
    ...requiredModels.flatMap((m) => ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((f) => `models/${m}/${f}`)),
  ];
  return { unexpected: have.filter((f) => !allowed.some((re) => re.test(f))), missing: required.filter((f) => !have.includes(f)) };
}
