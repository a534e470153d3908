/**
 * splitreason.json (docs/ARCHITECTURE.md §2), optional in a small model's folder: the offload tag strings
 * and hint sentence the model was trained with, and the policy it is meant to run with.
 * Models trained with other tags work without code changes.
 */
import { POLICY_KINDS, type PolicyKind } from './policy';
import { CLOSE_TAG, HINT_SENTENCE, OPEN_TAG } from './prompt';

export interface SplitConfig {
  openTag: string;
  closeTag: string;
  /** the sentence after the problem that asks for tags; '' for models trained without one */
  hint: string;
  policy?: PolicyKind;
  /**
   * How the tags live in the model's vocabulary: 'special' = each is one added token,
   * 'text' = ordinary text spanning several tokens. Written by `splitreason convert`.
   */
  tags?: TagKind;
}

export const TAG_KINDS = ['special', 'text'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

export const DEFAULT_SPLIT_CONFIG: SplitConfig = { openTag: OPEN_TAG, closeTag: CLOSE_TAG, hint: HINT_SENTENCE };

/**
 * Parses a model folder's splitreason.json as the engine read it (LocalModel.splitreason);
 * without one, the defaults. Pure: the file is read with the rest of the model folder.
 */
export function parseSplitConfig(source: { file: string; raw: unknown } | undefined): SplitConfig {
  if (!source) return DEFAULT_SPLIT_CONFIG;
  const { file } = source;
  if (typeof source.raw !== 'object' || source.raw === null || Array.isArray(source.raw)) throw new Error(`${file}: must be a JSON object`);
  const raw = source.raw as Record<string, unknown>;
  const str = (key: string, fallback: string) => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') throw new Error(`${file}: "${key}" must be a string`);
    return v;
  };
  const cfg: SplitConfig = { openTag: str('openTag', OPEN_TAG), closeTag: str('closeTag', CLOSE_TAG), hint: str('hint', HINT_SENTENCE) };
  if (!cfg.openTag || !cfg.closeTag || cfg.openTag === cfg.closeTag)
    throw new Error(`${file}: "openTag" and "closeTag" must be two different non-empty strings`);
  if (raw.policy !== undefined) {
    if (!POLICY_KINDS.includes(raw.policy as PolicyKind)) throw new Error(`${file}: "policy" must be one of ${POLICY_KINDS.join(', ')}`);
    cfg.policy = raw.policy as PolicyKind;
  }
  if (raw.tags !== undefined) {
    if (!TAG_KINDS.includes(raw.tags as TagKind)) throw new Error(`${file}: "tags" must be one of ${TAG_KINDS.join(', ')}`);
    cfg.tags = raw.tags as TagKind;
  }
  return cfg;
}
