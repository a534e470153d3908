/** Offload tags as added tokens or as plain text: detected from tokenizer.json, written to splitreason.json. */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertCheckpoint, detectTags } from '../../src/convert';
import { parseSplitConfig } from '../../src/split/splitConfig';
import { tempDir } from '../helpers/tempModel';
import { toyCheckpoint } from './toyConversions';

const readSplitConfig = (dir: string) =>
  parseSplitConfig({ file: join(dir, 'splitreason.json'), raw: JSON.parse(readFileSync(join(dir, 'splitreason.json'), 'utf8')) });

interface TokenizerJson {
  added_tokens: { id: number; content: string }[];
  model: { vocab: Record<string, number> };
}

test('detectTags: both tags among the added tokens is special, anything else is text', () => {
  const added = (...c: string[]) => ({ added_tokens: c.map((content) => ({ content })) });
  assert.equal(detectTags(added('<think>', '<bigmodel>', '</bigmodel>'), '<bigmodel>', '</bigmodel>'), 'special');
  assert.equal(detectTags(added('<think>'), '<bigmodel>', '</bigmodel>'), 'text');
  assert.equal(detectTags(added('<bigmodel>'), '<bigmodel>', '</bigmodel>'), 'text');
  assert.equal(detectTags({}, '<bigmodel>', '</bigmodel>'), 'text');
  assert.equal(detectTags(added('[OFF]', '[/OFF]'), '[OFF]', '[/OFF]'), 'special');
});

test('the toy checkpoint (tags are added tokens) converts to tags: special, keeping its splitreason.json', async () => {
  const out = join(tempDir('sr-tags-'), 'special');
  const r = await convertCheckpoint(toyCheckpoint('toy-small'), out, { dtype: 'fp32' });
  assert.equal(r.tags, 'special');
  const cfg = readSplitConfig(out);
  assert.equal(cfg.tags, 'special');
  assert.equal(cfg.policy, 'learned'); // from the toy's own splitreason.json
});

test('a tokenizer without the tags as added tokens converts to tags: text', async () => {
  const root = tempDir('sr-tags-');
  const hf = join(root, 'hf');
  cpSync(toyCheckpoint('toy-big'), hf, { recursive: true });
  const file = join(hf, 'tokenizer.json');
  const tok = JSON.parse(readFileSync(file, 'utf8')) as TokenizerJson;
  const before = tok.added_tokens.length;
  tok.added_tokens = tok.added_tokens.filter((t) => !t.content.includes('bigmodel>'));
  assert.equal(tok.added_tokens.length, before - 2);
  writeFileSync(file, JSON.stringify(tok));
  const out = join(root, 'text');
  const r = await convertCheckpoint(hf, out, { dtype: 'fp32' });
  assert.equal(r.tags, 'text');
  assert.equal(readSplitConfig(out).tags, 'text');
  assert.equal(readSplitConfig(out).openTag, '<bigmodel>');
});
