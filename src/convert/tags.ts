/**
 * Offload tags in a converted model's vocabulary: `<bigmodel>` / `</bigmodel>` are either
 * added tokens in tokenizer.json (one id each: 'special') or ordinary text the BPE splits
 * ('text'). splitreason.json records which, so the controller can watch for either.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SPLIT_CONFIG, readSplitConfig, type SplitConfig, type TagKind } from '../split/splitConfig';
import { ConvertError } from './checkpoint';

interface TokenizerJson {
  added_tokens?: { content?: string }[];
}

export function detectTags(tokenizer: TokenizerJson, openTag: string, closeTag: string): TagKind {
  const added = new Set((tokenizer.added_tokens ?? []).map((t) => t.content));
  return added.has(openTag) && added.has(closeTag) ? 'special' : 'text';
}

/** splitreason.json for the converted folder: the checkpoint's own when it has one, plus `tags`. */
export function splitConfigFor(hfDir: string, tokenizerFile: string): SplitConfig & { tags: TagKind } {
  const base = existsSync(join(hfDir, 'splitreason.json')) ? readSplitConfig(hfDir) : DEFAULT_SPLIT_CONFIG;
  let tokenizer: TokenizerJson;
  try {
    tokenizer = JSON.parse(readFileSync(tokenizerFile, 'utf8')) as TokenizerJson;
  } catch (e) {
    throw new ConvertError(`${tokenizerFile} is not valid JSON (${(e as Error).message}); copy the checkpoint's tokenizer.json again.`);
  }
  return { ...base, tags: detectTags(tokenizer, base.openTag, base.closeTag) };
}
