/**
 * Which sampling a solve uses. `splitreason.temperature` / `splitreason.topP` win when the
 * user set them; unset (null), each local model uses its own folder's generation_config.json,
 * the way Hugging Face's generate() reads it: a model trained to be decoded greedily (such as
 * the bundled toy pair, `do_sample: false`) is not sampled at 0.6 behind its back. A remote
 * large model then gets no temperature at all: its API's own default applies. Pure (no
 * 'vscode').
 */
import { readGenerationConfig } from '../engine/modelFolder';

export interface Sampling {
  temperature: number;
  topP: number;
  /** Where the values came from, for the log. */
  source: string;
}

/**
 * For a folder whose generation_config.json says nothing about sampling: DeepSeek-R1's
 * recommended settings (the SplitReason paper's small model), this setting's old default.
 */
export const FALLBACK_SAMPLING = { temperature: 0.6, topP: 0.95 } as const;

/** A model folder's own sampling defaults; {} when its generation_config.json has none. */
export function folderSampling(dir: string): { temperature?: number; topP?: number } {
  const gen = readGenerationConfig(dir, 'fix or delete it').values;
  if (gen.do_sample === false) return { temperature: 0 };
  const num = (v: unknown, ok: (n: number) => boolean): number | undefined => (typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : undefined);
  const temperature = num(gen.temperature, (t) => t >= 0);
  const topP = num(gen.top_p, (p) => p > 0 && p <= 1);
  return { ...(temperature !== undefined ? { temperature } : {}), ...(topP !== undefined ? { topP } : {}) };
}

/** The small model's sampling: the settings where set, else its folder's, else the fallback. */
export function smallSampling(set: { temperature: number | null; topP: number | null }, dir: string): Sampling {
  const own = set.temperature !== null && set.topP !== null ? {} : folderSampling(dir);
  const from = (user: number | null, model: number | undefined, fallback: number, name: string): [number, string] =>
    user !== null ? [user, `splitreason.${name}`] : model !== undefined ? [model, readGenerationConfig(dir).file] : [fallback, 'the default'];
  const [temperature, tSource] = from(set.temperature, own.temperature, FALLBACK_SAMPLING.temperature, 'temperature');
  const [topP, pSource] = from(set.topP, own.topP, FALLBACK_SAMPLING.topP, 'topP');
  return { temperature, topP, source: tSource === pSource ? tSource : `${tSource} (top-p: ${pSource})` };
}

/**
 * The large model's temperature: the setting where set; else a local large model's own
 * (its folder's, else the fallback); else undefined, so that an API uses its default.
 */
export function bigTemperature(set: { temperature: number | null }, localDir: string | undefined): number | undefined {
  if (set.temperature !== null) return set.temperature;
  if (localDir === undefined) return undefined;
  return folderSampling(localDir).temperature ?? FALLBACK_SAMPLING.temperature;
}
