import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalModel } from '../../src/engine';
import type { TraceEvent } from '../../src/split';
import { CLOSE, EOS, OPEN, buildProgrammedModel, ch, chain } from '../helpers/programmedModel';
import { tempDir, tempModel } from '../helpers/tempModel';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const small = buildProgrammedModel({
  transitions: [[ch('\n'), ch('A')], ...chain('AB', OPEN), [OPEN, ch('q')], ...chain('q#', CLOSE), [CLOSE, ch('C')], ...chain('CD\\boxed{42}', EOS)],
  fallback: ch('Z'),
});
// the large model continues "…AB" with "x=6*7#" and would go on with "yyyy…"
const big = buildProgrammedModel({ transitions: [[ch('B'), ch('x')], ...chain('x=6*7#', ch('y'))], fallback: ch('y') });

test('generate --json prints one object whose ids match the engine, and --raw skips the template', async () => {
  const { dir } = tempModel({ seed: 4 });
  const r = cli(['generate', '--model', dir, '--prompt', 'Hi', '--raw', '--max-tokens', '7', '--greedy', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['device', 'generatedTokens', 'ids', 'msPerToken', 'promptTokens', 'text']);
  assert.equal(out.promptTokens, 2);
  assert.equal(out.generatedTokens, 7);
  const m = await LocalModel.load(dir, { device: 'cpu' });
  const g = await m.generator();
  await g.append(m.tokenizer.encode('Hi'));
  const expected: number[] = [];
  for await (const t of g.generate({ maxTokens: 7 })) expected.push(t);
  assert.deepEqual(out.ids, expected);
  assert.equal(out.text, m.tokenizer.decode(expected));
  await m.dispose();
});

test('bad arguments exit 2 with a message naming the option', () => {
  const r = cli(['generate', '--model', 'x', '--prompt', 'y', '--max-tokens', 'lots']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-tokens must be an integer ≥ 1, got 'lots'/);
  const u = cli(['frobnicate']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown command 'frobnicate'/);
  const p = cli(['solve', 'Compute $1$.', '--policy', 'sometimes']);
  assert.equal(p.status, 2);
  assert.match(p.stderr, /--policy must be one of learned, entropy, cue, random, verify, learned\+verify, never, always, got 'sometimes'/);
});

test('solve streams the reasoning with the offloaded step, then a summary; --json writes trace events only', () => {
  const plain = cli(['solve', 'Compute $6 \\times 7$.', '--small', small, '--big', big, '--price-big-out', '1000000']);
  assert.equal(plain.status, 0, plain.stderr);
  const [text, summary] = plain.stdout.trim().split('\n');
  assert.equal(text, 'ABx=6*7#CD\\boxed{42}');
  // 6 large-model tokens at $1 each
  assert.match(summary, /^answer: 42 · 22 tokens \(small 16, large 6, 27\.3% offloaded\) · [\d.]+ tok\/s · ~\$6\.0000 · cpu$/);

  const json = cli(['solve', 'Compute $6 \\times 7$.', '--small', small, '--big', big, '--json']);
  assert.equal(json.status, 0, json.stderr);
  const events = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TraceEvent);
  assert.deepEqual([...new Set(events.map((e) => e.type))].sort(), ['done', 'segment', 'segmentEnd', 'start', 'stats', 'text']);
  assert.deepEqual(events.at(-1), { type: 'done', answer: '42', reason: 'eos' });
  const bigSegment = events.find((e) => e.type === 'segment' && e.source === 'big');
  assert.ok(bigSegment && bigSegment.type === 'segment');
  assert.equal(
    events
      .filter((e) => e.type === 'text' && e.id === bigSegment.id)
      .map((e) => (e as { text: string }).text)
      .join(''),
    'x=6*7#',
  );
});

test('eval prints accuracy and offload per policy, random matched to learned', () => {
  const set = join(tempDir(), 'set.jsonl');
  writeFileSync(
    set,
    ['{"problem":"Compute $6 \\\\times 7$.","answer":42}', '{"problem":"Compute $40 + 2$.","answer":"42"}', '{"problem":"Compute $41$.","answer":41}'].join(
      '\n',
    ),
  );
  const r = cli(['eval', '--set', set, '--small', small, '--big', big, '--policies', 'never,learned,random', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const { rows, problems } = JSON.parse(r.stdout);
  assert.equal(problems, 3);
  const by = Object.fromEntries(rows.map((x: { policy: string }) => [x.policy, x]));
  assert.deepEqual(
    rows.map((x: { policy: string }) => x.policy),
    ['never', 'learned', 'random'],
  );
  assert.equal(by.never.correct, 2);
  assert.equal(by.never.offloadFraction, 0);
  assert.equal(by.learned.correct, 2);
  assert.ok(Math.abs(by.learned.offloadFraction - 6 / 22) < 1e-9); // "x=6*7#" of "AB<tag>x=6*7#CD\\boxed{42}<eos>"
  assert.ok(by.random.ratio > 0 && by.random.ratio < 1, `ratio ${by.random.ratio}`);
  const bad = join(tempDir(), 'bad.jsonl');
  writeFileSync(bad, '{"problem": 3}\n');
  const e = cli(['eval', '--set', bad]);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /bad\.jsonl:1: needs a string "problem"/);
});
