import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TraceEvent } from '../../src/split';
import { CLOSE, EOS, OPEN, buildProgrammedModel, ch, chain } from '../helpers/programmedModel';
import { tempDir } from '../helpers/tempModel';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const PROBLEM = 'Solve $2x + 3 = 11$.';
function solutionFile(lines: string[]): string {
  const file = join(tempDir(), 'work.md');
  writeFileSync(file, lines.join('\n'));
  return file;
}
// a blank line and a prose line among the steps: indexes count non-empty lines only
const WORK = solutionFile(['$2x + 3 = 11$', '', '$2x = 14$', 'So x = 7', 'The answer is seven.']);

test('check --json: one step object a line, then the summary', () => {
  const r = cli(['check', '--problem', PROBLEM, '--solution', WORK, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    rows.map((x) => [x.type, x.index, x.verdict]),
    [
      ['step', 0, 'correct'],
      ['step', 1, 'incorrect'],
      ['step', 2, 'correct'],
      ['step', 3, 'unknown'],
      ['summary', undefined, undefined],
    ],
  );
  assert.deepEqual(Object.keys(rows[1]), ['type', 'index', 'verdict', 'expected', 'message']);
  assert.deepEqual(Object.keys(rows[0]), ['type', 'index', 'verdict', 'message']);
  assert.equal(rows[1].expected, 'x = 4');
  assert.match(rows[1].message, /2x = 14/);
  assert.deepEqual(rows[4], { type: 'summary', steps: 4, correct: 2, incorrect: 1, unknown: 1, firstIncorrect: 1 });
});

test('check without --json: a readable list with ✓ ✗ ?, exit 0 whatever the verdicts', () => {
  const r = cli(['check', '--problem', 'Compute $47 \\times 86$.', '--solution', solutionFile(['$47 \\times 86 = 4032$', 'Hmm.', '4042 = 4042'])]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '✗ 1  $47 \\times 86 = 4032$');
  assert.equal(lines[1].trim(), '47 × 86 = 4042, not 4032. Expected: 4042');
  assert.match(lines[2], /^\? 2 {2}Hmm\.$/);
  assert.match(lines[4], /^✓ 3 {2}4042 = 4042$/);
  assert.match(r.stdout, /3 steps: 1 correct, 1 incorrect, 1 unknown; first wrong step: 1/);
});

test('check usage errors exit 2 with one sentence', () => {
  const missing = cli(['check', '--problem', PROBLEM]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /check needs --solution FILE/);
  const absent = cli(['check', '--solution', join(tempDir(), 'nope.md')]);
  assert.equal(absent.status, 2);
  assert.match(absent.stderr, /cannot read the solution file .*nope\.md \(ENOENT\)/);
  const empty = cli(['check', '--solution', solutionFile(['', '   '])]);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /has no non-empty lines/);
});

test('check --explain streams a hint from the split loop about the first wrong step', () => {
  // the small model writes "Hi", offloads, the large model writes "lok#", the small model ends with "!"
  const small = buildProgrammedModel({
    transitions: [[ch('\n'), ch('H')], ...chain('Hi', OPEN), [OPEN, ch('q')], ...chain('q#', CLOSE), [CLOSE, ch('!')], [ch('!'), EOS]],
    fallback: ch('Z'),
  });
  const big = buildProgrammedModel({ transitions: [[ch('i'), ch('l')], ...chain('lok#', ch('y'))], fallback: ch('y') });
  const plain = cli(['check', '--problem', PROBLEM, '--solution', WORK, '--explain', '--small', small, '--big', big]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /Hint for step 2:\nHilok#!\n/);

  const json = cli(['check', '--problem', PROBLEM, '--solution', WORK, '--explain', '--json', '--small', small, '--big', big]);
  assert.equal(json.status, 0, json.stderr);
  const events = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.type !== 'step' && e.type !== 'summary') as TraceEvent[];
  const start = events[0];
  assert.ok(start.type === 'start');
  assert.match(start.problem, /Step 2: \$2x = 14\$\nStep 2 is wrong\./);
  assert.match(start.problem, /Do not give the corrected step or the final answer\./);
  assert.ok(events.some((e) => e.type === 'segment' && e.source === 'big'));
});
