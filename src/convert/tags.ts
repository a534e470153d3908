/**
 * Offload tags in a converted model's vocabulary: `<bigmodel>` / `</bigmodel>` are either
 * added tokens in tokenizer.json (one id each: 'special') or ordinary text the BPE splits
 * ('text'). splitreason.json records which, so the controller can watch for either.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SPLIT_CONFIG, parseSplitConfig, type SplitConfig, type TagKind } from '../split/splitConfig';
import { ConvertError } from './checkpoint';
import { readJsonFile } from '../engine/jsonFile';

interface TokenizerJson {
  added_tokens?: { content?: string }[];
}

export function detectTags(tokenizer: TokenizerJson, openTag: string, closeTag: string): TagKind {
  const added = new Set((tokenizer.added_tokens ?? []).map((t) => t.content));
  return added.has(openTag) && added.has(closeTag) ? 'special' : 'text';
}

/** splitreason.json for the converted folder: the checkpoint's own when it has one, plus `tags`. */
export function splitConfigFor(hfDir: string, tokenizerFile: string): SplitConfig & { tags: TagKind } {
  const own = join(hfDir, 'splitreason.json');
  const base = existsSync(own) ? parseSplitConfig({ file: own, raw: readJson(own) }) : DEFAULT_SPLIT_CONFIG;
  return { ...base, tags: detectTags(readJson(tokenizerFile) as TokenizerJson, base.openTag, base.closeTag) };
}

const readJson = (file: string) => readJsonFile(file, "copy the checkpoint's file again", ConvertError);
