/**
 * The platform VSIXs (`npm run package`): each vsce target, the folder of onnxruntime-node's
 * binaries it carries and the files of that folder the extension loads (no CUDA or TensorRT
 * provider: those come on demand, SplitReason: Enable CUDA). No darwin-x64: onnxruntime-node
 * ships no Intel-Mac binary since 1.24 (README: Packages).
 */
import { readFileSync } from 'node:fs';

export interface Target {
  /** folder under node_modules/onnxruntime-node/bin/napi-v6 */
  bin: string;
  files: string[];
}

const LINUX = ['onnxruntime_binding.node', 'libonnxruntime.so.1'];
// DirectML.dll for the dml provider; dxil/dxcompiler compile WebGPU's shaders on D3D12.
const WINDOWS = ['onnxruntime_binding.node', 'onnxruntime.dll', 'DirectML.dll', 'dxil.dll', 'dxcompiler.dll'];

export const TARGETS: Record<string, Target> = {
  'linux-x64': { bin: 'linux/x64', files: LINUX },
  'linux-arm64': { bin: 'linux/arm64', files: LINUX },
  'win32-x64': { bin: 'win32/x64', files: WINDOWS },
  'win32-arm64': { bin: 'win32/arm64', files: WINDOWS },
  // The package holds two identical copies of the dylib; the binding links @rpath/libonnxruntime.1.dylib.
  'darwin-arm64': { bin: 'darwin/arm64', files: ['onnxruntime_binding.node', 'libonnxruntime.1.dylib'] },
};

export const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';
/** The line of .vscodeignore that a platform package replaces with its own files. */
const ALL_BINARIES = `!${ORT_BIN.replace('/napi-v6', '')}/**`;

/** .vscodeignore with every platform's binaries replaced by the target's own. */
export function ignoreFileFor(target: string, vscodeignore: string): string {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target}: use one of ${Object.keys(TARGETS).join(', ')}`);
  const lines = vscodeignore.split('\n');
  const i = lines.indexOf(ALL_BINARIES);
  if (i < 0) throw new Error(`.vscodeignore has no line "${ALL_BINARIES}" to narrow to ${target}`);
  lines.splice(i, 1, ...t.files.map((f) => `!${ORT_BIN}/${t.bin}/${f}`));
  return lines.join('\n');
}

/** File names in a zip archive, from its central directory. */
export function zipEntries(path: string): string[] {
  const b = readFileSync(path);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${path} is not a zip archive (no end-of-central-directory record)`);
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: broken central directory at entry ${n}`);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    names.push(b.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/**
 * What a platform VSIX may hold, as paths inside the extension folder: the manifest, readme,
 * changelog, licence and icon; every esbuild bundle (dist/*.js, whatever the bundles are
 * called) but no source map; the webviews' KaTeX CSS and woff2 fonts; media; the catalog and
 * the bundled models' runtime files; onnxruntime-node's JavaScript and the target's binaries.
 * Anything else (another platform's binaries, onnxruntime-web, tests, tools) is reported.
 */
export function checkExtensionFiles(target: string, files: string[], requiredModels: string[]): { unexpected: string[]; missing: string[] } {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target}`);
  const own = new Set(t.files.map((f) => `${ORT_BIN}/${t.bin}/${f}`));
  const allowed = [
    /^(package\.json|readme\.md|changelog\.md|license(\.md|\.txt)?)$/i,
    /^dist\/\w+\.js$/,
    /^dist\/webview\/\w+\.(js|css)$/,
    /^dist\/webview\/katex\/(katex\.min\.css|fonts\/[\w-]+\.woff2)$/,
    /^media\/[\w/-]+\.(css|png|svg|md)$/,
    /^samples\/[\w-]+\.ipynb$/,
    /^models\/catalog\.json$/,
    // A model folder's runtime files (docs/ARCHITECTURE.md §2), nothing else of it.
    /^models\/[\w.-]+\/(config\.json|generation_config\.json|tokenizer\.json|tokenizer_config\.json|splitreason\.json|onnx\/model\w*\.onnx(_data)?)$/,
    /^node_modules\/onnxruntime-node\/(package\.json|dist\/\w+\.js)$/,
    /^node_modules\/onnxruntime-common\/(package\.json|dist\/cjs\/(package\.json|[\w-]+\.js))$/,
  ];
  const ok = (f: string) => own.has(f) || allowed.some((re) => re.test(f));
  const required = [
    'package.json',
    'dist/extension.js',
    'dist/engineProcess.js',
    'dist/webview/panel.js',
    'dist/webview/panel.css',
    'dist/webview/notebookRenderer.js',
    'dist/webview/katex/katex.min.css',
    'models/catalog.json',
    ...own,
    ...requiredModels.flatMap((m) => ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((f) => `models/${m}/${f}`)),
  ];
  return { unexpected: files.filter((f) => !ok(f)), missing: required.filter((f) => !files.includes(f)) };
}

/** The vsce target of the machine this runs on, or undefined when no VSIX is built for it. */
export function hostTarget(): string | undefined {
  const t = `${process.platform}-${process.arch}`;
  return t in TARGETS ? t : undefined;
}
