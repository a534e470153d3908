import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSplitreasonJson } from '../../src/engine';
import { inDomain, parseModelDomain } from '../../src/split/modelDomain';
import { parseSplitConfig } from '../../src/split/splitConfig';

const readModelDomain = (dir: string) => parseModelDomain(readSplitreasonJson(dir));
const readSplitConfig = (dir: string) => parseSplitConfig(readSplitreasonJson(dir));

const TOY = resolve(__dirname, '../../models/toy-small');

test('the bundled toy model declares its arithmetic: every problem of its own eval set is in it', () => {
  const domain = readModelDomain(TOY);
  assert.ok(domain?.pattern, 'toy-small declares a pattern');
  assert.match(domain.description, /only does toy arithmetic/);
  const problems = readFileSync(join(TOY, 'eval-set.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { problem: string }).problem);
  assert.ok(problems.length >= 50);
  for (const p of [...problems, ...domain.examples]) assert.ok(inDomain(domain, p), p);
  // The rest of splitreason.json still reads as before.
  assert.equal(readSplitConfig(TOY).openTag, '<bigmodel>');
});

test('problems outside the toy form are out of its domain', () => {
  const domain = readModelDomain(TOY);
  for (const p of [
    'What is 37 + 48?', // the old placeholder
    'Solve $x^2 - 5x + 6 = 0$.',
    'What is the derivative of $x^3$?',
    'Compute $47 + 86$.', // one operation, no product
    'Compute $47 \\times 86 \\times 12$.', // chained products
    'Compute $470 \\times 86 - 1$.', // a 3-digit factor
    'Compute $47 \\times 86 - 1290$.', // an operand over 999
    'Compute $1 + 2 + 3 + 4 + 5 \\times 66$.', // five operations
  ]) {
    assert.equal(inDomain(domain, p), false, p);
  }
});

test('a folder without a domain takes any problem; a broken domain says what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sr-domain-'));
  assert.equal(readModelDomain(dir), null);
  assert.equal(inDomain(null, 'anything'), true);
  writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ domain: { description: 'Linear equations.', examples: ['Solve $2x = 4$.'] } }));
  assert.equal(inDomain(readModelDomain(dir), 'What is love?'), true, 'no pattern: nothing is checked');
  writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ domain: { description: 'x', pattern: '(unclosed' } }));
  assert.throws(() => readModelDomain(dir), /"domain\.pattern" is not a valid JavaScript regular expression/);
  writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ domain: 'arithmetic' }));
  assert.throws(() => readModelDomain(dir), /"domain" must be an object; expected \{"description"/);
});
