/**
 * The `splitreason.*` settings: types, defaults and validation. Pure (no 'vscode') so that
 * it is tested in plain Node and every layer that names a setting in a message spells it through
 * `settingId`; src/vscode/settings.ts feeds it from the workspace configuration.
 * package.json's `contributes.configuration` describes the same keys for the settings UI
 * (test/settings/schema.test.ts checks that the two agree).
 */
import { DEVICES, type Device, type Dtype } from '../engine/types';
import { POLICY_KINDS as POLICIES, type PolicyKind } from '../split/policy';
import { settingId } from './settingId';

export { POLICIES, type PolicyKind };
export const DTYPES: readonly (Dtype | 'auto')[] = ['auto', 'fp32', 'fp16', 'q4', 'q4f16', 'int8', 'uint8', 'quantized', 'bnb4'];
export const PROVIDERS = ['openai-completions', 'openai-chat', 'vscode-lm', 'local', 'none'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];
/** The providers that call an HTTP API at `largeModel.baseUrl`; the others ignore it. */
export const URL_PROVIDERS: readonly ProviderKind[] = ['openai-completions', 'openai-chat'];

export interface Settings {
  /** 'toy' (the bundled pair), a catalog id, or a model folder. */
  smallModel: string;
  device: Device;
  dtype: Dtype | 'auto';
  /** 0: onnxruntime's default. */
  threads: number;
  policy: { kind: PolicyKind; threshold: number; ratio: number; words: string[]; seed?: number };
  largeModel: { provider: ProviderKind; baseUrl: string; model: string };
  budgets: { segmentCap: number; maxOffloadTokens: number; maxTokens: number; timeoutMs?: number };
  /** null: each model's own default (models/sampling.ts). */
  temperature: number | null;
  topP: number | null;
  prices: { smallPerMTok: number; bigInputPerMTok: number; bigOutputPerMTok: number };
  modelHubUrl: string;
}

export interface SettingProblem {
  /** Full setting id, e.g. "splitreason.largeModel.baseUrl". */
  key: string;
  message: string;
}

/** Reads one setting by its key without the "splitreason." prefix; undefined when unset. */
export type SettingGetter = (key: SettingKey) => unknown;

type Kind =
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'number'; min: number; max: number; integer?: boolean; exclusiveMin?: boolean }
  | { type: 'nullable-integer'; min: number; max: number }
  | { type: 'nullable-number'; min: number; max: number; exclusiveMin?: boolean }
  | { type: 'string-array' }
  | { type: 'url' };

/** Key (without prefix) → type and default. The order is the order of package.json. */
const SPECS = {
  smallModel: { type: 'string', default: 'toy' },
  device: { type: 'enum', values: DEVICES, default: 'auto' },
  dtype: { type: 'enum', values: DTYPES, default: 'auto' },
  threads: { type: 'number', min: 0, max: 256, integer: true, default: 0 },
  policy: { type: 'enum', values: POLICIES, default: 'learned' },
  entropyThreshold: { type: 'number', min: 0, max: 20, exclusiveMin: true, default: 2.5 },
  randomRatio: { type: 'number', min: 0, max: 1, default: 0.02 },
  cueWords: { type: 'string-array', default: ['Wait', 'Hmm', 'But wait', 'Let me check', 'Let me double-check', 'Alternatively'] },
  seed: { type: 'nullable-integer', min: 0, max: 2 ** 31 - 1, default: null },
  'largeModel.provider': { type: 'enum', values: PROVIDERS, default: 'local' },
  'largeModel.baseUrl': { type: 'string', default: '' },
  'largeModel.model': { type: 'string', default: '' },
  'budgets.segmentCap': { type: 'number', min: 1, max: 4096, integer: true, default: 128 },
  'budgets.maxOffloadTokens': { type: 'number', min: 0, max: 1_000_000, integer: true, default: 2048 },
  'budgets.maxTokens': { type: 'number', min: 1, max: 131_072, integer: true, default: 4096 },
  'budgets.timeoutSeconds': { type: 'number', min: 0, max: 86_400, default: 0 },
  temperature: { type: 'nullable-number', min: 0, max: 2, default: null },
  topP: { type: 'nullable-number', min: 0, max: 1, exclusiveMin: true, default: null },
  'prices.smallPerMTok': { type: 'number', min: 0, max: 1_000_000, default: 0 },
  'prices.bigInputPerMTok': { type: 'number', min: 0, max: 1_000_000, default: 0 },
  'prices.bigOutputPerMTok': { type: 'number', min: 0, max: 1_000_000, default: 0 },
  modelHubUrl: { type: 'url', default: 'https://huggingface.co' },
} satisfies Record<string, Kind & { default: unknown }>;

export type SettingKey = keyof typeof SPECS;
export const SETTING_SPECS: Record<SettingKey, Kind & { default: unknown }> = SPECS;

function describeKind(k: Kind): string {
  switch (k.type) {
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${k.values.map((v) => `"${v}"`).join(', ')}`;
    case 'number':
      return `${k.integer ? 'an integer' : 'a number'} ${k.exclusiveMin ? 'above' : 'from'} ${k.min} to ${k.max}`;
    case 'nullable-integer':
      return `null or an integer from ${k.min} to ${k.max}`;
    case 'nullable-number':
      return `null or a number ${k.exclusiveMin ? 'above' : 'from'} ${k.min} to ${k.max}`;
    case 'string-array':
      return 'a list of non-empty strings';
    case 'url':
      return 'an http:// or https:// URL';
  }
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function check(k: Kind, v: unknown): boolean {
  switch (k.type) {
    case 'string':
      return typeof v === 'string';
    case 'enum':
      return typeof v === 'string' && k.values.includes(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && (k.exclusiveMin ? v > k.min : v >= k.min) && v <= k.max && (!k.integer || Number.isInteger(v));
    case 'nullable-integer':
      return v === null || (typeof v === 'number' && Number.isInteger(v) && v >= k.min && v <= k.max);
    case 'nullable-number':
      return v === null || (typeof v === 'number' && Number.isFinite(v) && (k.exclusiveMin ? v > k.min : v >= k.min) && v <= k.max);
    case 'string-array':
      return Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '');
    case 'url':
      return typeof v === 'string' && isHttpUrl(v);
  }
}

/**
 * Validates every setting. A value that fails is reported (with what was wrong and what to
 * set instead) and replaced by its default in `settings`, so callers may still show
 * something; a solve refuses to start while `problems` is not empty.
 */
export function readSettings(get: SettingGetter): { settings: Settings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const v: Record<string, unknown> = {};
  for (const key of Object.keys(SETTING_SPECS) as SettingKey[]) {
    const spec = SETTING_SPECS[key];
    const raw = get(key);
    if (raw === undefined) {
      v[key] = spec.default;
    } else if (check(spec, raw)) {
      v[key] = typeof raw === 'string' ? raw.trim() : raw;
    } else {
      problems.push({
        key: settingId(key),
        message: `${settingId(key)} is ${JSON.stringify(raw)}; it must be ${describeKind(spec)}.`,
      });
      v[key] = spec.default;
    }
  }
  const provider = v['largeModel.provider'] as ProviderKind;
  const baseUrl = v['largeModel.baseUrl'] as string;
  const model = v['largeModel.model'] as string;
  if (URL_PROVIDERS.includes(provider)) {
    if (!isHttpUrl(baseUrl)) {
      problems.push({
        key: settingId('largeModel.baseUrl'),
        message:
          `${settingId('largeModel.baseUrl')} is ${JSON.stringify(baseUrl)}; ` +
          `the "${provider}" provider needs the API's base URL, e.g. "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1".`,
      });
    }
    if (model === '') {
      problems.push({
        key: settingId('largeModel.model'),
        message:
          `${settingId('largeModel.model')} is empty; ` +
          `the "${provider}" provider needs the model name the API serves (e.g. "deepseek-r1-distill-qwen-32b").`,
      });
    }
  }
  const policy = v.policy as PolicyKind;
  if (policy === 'always' && provider === 'none') {
    problems.push({
      key: settingId('policy'),
      message:
        `${settingId('policy')} is "always" (large model only) but ${settingId('largeModel.provider')} is "none"; ` +
        'configure a large model or choose another policy.',
    });
  }
  if ((v.smallModel as string) === '') {
    problems.push({
      key: settingId('smallModel'),
      message: `${settingId('smallModel')} is empty; set "toy" (the bundled model), a catalog id or a model folder.`,
    });
  }
  const timeoutSeconds = v['budgets.timeoutSeconds'] as number;
  const seed = v.seed as number | null;
  const settings: Settings = {
    smallModel: v.smallModel as string,
    device: v.device as Device,
    dtype: v.dtype as Dtype | 'auto',
    threads: v.threads as number,
    policy: {
      kind: policy,
      threshold: v.entropyThreshold as number,
      ratio: v.randomRatio as number,
      words: v.cueWords as string[],
      ...(seed === null ? {} : { seed }),
    },
    largeModel: { provider, baseUrl, model },
    budgets: {
      segmentCap: v['budgets.segmentCap'] as number,
      maxOffloadTokens: v['budgets.maxOffloadTokens'] as number,
      maxTokens: v['budgets.maxTokens'] as number,
      ...(timeoutSeconds > 0 ? { timeoutMs: Math.round(timeoutSeconds * 1000) } : {}),
    },
    temperature: v.temperature as number | null,
    topP: v.topP as number | null,
    prices: {
      smallPerMTok: v['prices.smallPerMTok'] as number,
      bigInputPerMTok: v['prices.bigInputPerMTok'] as number,
      bigOutputPerMTok: v['prices.bigOutputPerMTok'] as number,
    },
    modelHubUrl: (v.modelHubUrl as string).replace(/\/+$/, ''),
  };
  return { settings, problems };
}
