/**
 * models/catalog.json: the models SplitReason knows how to get. Pure (no 'vscode').
 * A `bundled` entry ships inside the extension (the toy pair); a `hub` entry is a model
 * folder downloaded from a Hugging Face repository (or a mirror with the same paths).
 */
import { readFileSync } from 'node:fs';
import { CONVERT_DTYPES, type ConvertDtype } from '../convert/dtypes';

export interface CatalogFile {
  /** Path inside the repository and inside the model folder, '/'-separated. */
  path: string;
  size: number | null;
  sha256: string | null;
  /** The repository may lack it (e.g. generation_config.json): a 404 skips it. */
  optional?: boolean;
}

/** Dtypes a downloaded checkpoint is converted to: q4 runs on any CPU, q4f16 suits GPUs. */
export interface ConvertTargets {
  cpu: ConvertDtype;
  gpu: ConvertDtype;
}

interface EntryBase {
  id: string;
  title: string;
  /** What the model is for: the small reasoner, the large helper, or either. */
  role: 'small' | 'big' | 'any';
  /** The dtype `auto` picks for this model. */
  dtype?: string;
  /** A policy that suits the model (e.g. 'entropy' for a model never trained to offload). */
  policy?: string;
  description?: string;
}
export interface BundledEntry extends EntryBase {
  kind: 'bundled';
  /** Folder inside the extension. */
  folder: string;
}
export interface HubEntry extends EntryBase {
  kind: 'hub';
  repo: string;
  revision: string;
  files: CatalogFile[];
  /**
   * 'onnx' (default): the files are a ready model folder. 'safetensors': a Hugging Face
   * checkpoint; its weights (model.safetensors, or the shards model.safetensors.index.json names)
   * are found on the hub and the download is converted on this machine.
   */
  format?: 'onnx' | 'safetensors';
  convert?: ConvertTargets;
}
export type CatalogEntry = BundledEntry | HubEntry;

export interface Catalog {
  version: 1;
  models: CatalogEntry[];
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const SHA = /^[0-9a-f]{64}$/;

/** Checks a parsed catalog; every problem names the entry and the field, so the file can be fixed. */
export function parseCatalog(raw: unknown, source = 'catalog.json'): Catalog {
  const fail = (where: string, msg: string): never => {
    throw new Error(`${source}: ${where}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('top level', 'must be an object with "version": 1 and "models": [...]');
  const top = raw as { version?: unknown; models?: unknown };
  if (top.version !== 1) fail('version', `is ${JSON.stringify(top.version)}; this SplitReason reads version 1`);
  if (!Array.isArray(top.models)) fail('models', 'must be an array');
  const seen = new Set<string>();
  const models = (top.models as unknown[]).map((m, i): CatalogEntry => {
    const at = `models[${i}]`;
    if (typeof m !== 'object' || m === null) return fail(at, 'must be an object');
    const e = m as Record<string, unknown>;
    const str = (k: string, optional = false): string | undefined => {
      if (e[k] === undefined && optional) return undefined;
      if (typeof e[k] !== 'string' || e[k] === '') return fail(`${at}.${k}`, 'must be a non-empty string');
      return e[k] as string;
    };
    const id = str('id')!;
    if (!ID.test(id)) fail(`${at}.id`, `"${id}" must be lower-case letters, digits, '.', '_' or '-' (it names a folder)`);
    if (seen.has(id)) fail(`${at}.id`, `"${id}" appears twice`);
    seen.add(id);
    const role = e.role;
    if (role !== 'small' && role !== 'big' && role !== 'any') fail(`${at}.role`, 'must be "small", "big" or "any"');
    const base = {
      id,
      title: str('title')!,
      role: role as EntryBase['role'],
      dtype: str('dtype', true),
      policy: str('policy', true),
      description: str('description', true),
    };
    if (e.kind === 'bundled') return { ...base, kind: 'bundled', folder: str('folder')! };
    if (e.kind !== 'hub') return fail(`${at}.kind`, 'must be "bundled" or "hub"');
    const repo = str('repo')!;
    if (!REPO.test(repo)) fail(`${at}.repo`, `"${repo}" is not an owner/name repository id`);
    if (!Array.isArray(e.files) || e.files.length === 0) fail(`${at}.files`, 'must list the files to download');
    const format = e.format ?? 'onnx';
    if (format !== 'onnx' && format !== 'safetensors') fail(`${at}.format`, 'must be "onnx" or "safetensors"');
    let convert: ConvertTargets | undefined;
    if (format === 'safetensors') {
      const c = (
        typeof e.convert === 'object' && e.convert !== null
          ? e.convert
          : fail(`${at}.convert`, 'a safetensors entry must say what to convert to, e.g. {"cpu": "q4", "gpu": "q4f16"}')
      ) as Record<string, unknown>;
      for (const k of ['cpu', 'gpu'])
        if (!CONVERT_DTYPES.includes(c[k] as ConvertDtype)) fail(`${at}.convert.${k}`, `must be one of ${CONVERT_DTYPES.join(', ')}`);
      convert = { cpu: c.cpu as ConvertDtype, gpu: c.gpu as ConvertDtype };
    }
    const files = (e.files as unknown[]).map((f, j): CatalogFile => {
      const fat = `${at}.files[${j}]`;
      const file = (typeof f === 'object' && f !== null ? f : fail(fat, 'must be an object')) as Record<string, unknown>;
      const path = file.path;
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '' || p === '.')) {
        fail(`${fat}.path`, `${JSON.stringify(path)} must be a relative path without '..'`);
      }
      const size = file.size ?? null;
      if (size !== null && !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) fail(`${fat}.size`, 'must be a byte count or null');
      const sha256 = file.sha256 ?? null;
      if (sha256 !== null && !(typeof sha256 === 'string' && SHA.test(sha256))) fail(`${fat}.sha256`, 'must be 64 lower-case hex digits or null');
      if (file.optional !== undefined && typeof file.optional !== 'boolean') fail(`${fat}.optional`, 'must be true or false');
      return { path: path as string, size: size as number | null, sha256: sha256 as string | null, ...(file.optional ? { optional: true } : {}) };
    });
    return { ...base, kind: 'hub', repo, revision: str('revision')!, files, ...(format === 'safetensors' ? { format, convert } : {}) };
  });
  return { version: 1, models };
}

export function loadCatalog(file: string): Catalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the model catalog (${(e as Error).message})`);
  }
  return parseCatalog(raw, file);
}

/** https://huggingface.co/{repo}/resolve/{revision}/{path}, the same on mirrors. */
export function hubFileUrl(hubUrl: string, entry: HubEntry, path: string): string {
  const seg = (s: string): string => s.split('/').map(encodeURIComponent).join('/');
  return `${hubUrl.replace(/\/+$/, '')}/${seg(entry.repo)}/resolve/${encodeURIComponent(entry.revision)}/${seg(path)}`;
}
