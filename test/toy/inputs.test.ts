/**
 * Inputs that must never crash the engine: empty, huge, binary, lone surrogates, NUL, thousands of
 * tags. Each solve ends with a clean result or one clean error sentence, and the same engine
 * process is alive afterwards.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LocalModel } from '../../src/engine';
import { seededRandom } from '../../src/engine/random';
import { CLOSE_TAG, OPEN_TAG, solve, type TraceEvent } from '../../src/split';
import { loadTestModel } from '../helpers/testDevice';

let small: LocalModel;
before(async () => {
  small = await loadTestModel(join(__dirname, '..', '..', 'models', 'toy-small'), { threads: 1 });
});
after(() => small?.dispose());

const rand = seededRandom(11);
const randomBytes = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => Math.floor(rand() * 256)));
const randomUnits = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => Math.floor(rand() * 65536)));

const CASES: [string, string][] = [
  ['empty', ''],
  ['one space', ' '],
  ['NUL bytes', 'Compute $12 \\times 34$.\0\0\0'],
  ['lone surrogates', '\uD800 Compute \uDFFF $1 + 2$ \uDBFF'],
  ['random bytes', randomBytes(3000)],
  ['random UTF-16 units', randomUnits(3000)],
  ['10,000 open tags', OPEN_TAG.repeat(10_000)],
  ['10,000 tag pairs', (OPEN_TAG + 'x' + CLOSE_TAG).repeat(10_000)],
  ['15,000 characters', 'Compute $1 + 1$. '.repeat(900)],
  ['200,000 characters', '9'.repeat(200_000)],
];
const lengths = [0, 1, 10, 100, 300, 1000, 5000, 50_000];

for (const [name, problem] of [...CASES, ...lengths.map((n): [string, string] => [`${n} digits`, '7'.repeat(n)])]) {
  test(`${name}: a clean result or a clean error, the engine alive`, async () => {
    const pid = small.enginePid;
    const events: TraceEvent[] = [];
    for await (const e of solve({ problem, small, policy: { kind: 'never' }, budgets: { maxTokens: 24 } })) events.push(e);
    const done = events.at(-1);
    assert.equal(done?.type, 'done');
    const errors = events.filter((e) => e.type === 'error') as Extract<TraceEvent, { type: 'error' }>[];
    for (const e of errors) {
      assert.ok(e.message.length < 300 && !e.message.includes('\n') && !/undefined|\bat \w+ \(/.test(e.message), `not a clean sentence: ${e.message}`);
      assert.match(e.message, /takes \d+ tokens.*at most \d+ tokens/, 'the only error expected is the context limit');
    }
    if (done?.type === 'done') assert.equal(done.reason === 'error', errors.length > 0);
    assert.equal(small.enginePid, pid, 'the same engine process is alive');
  });
}

test('after all of them, a normal solve still works in the same engine', async () => {
  const events: TraceEvent[] = [];
  for await (const e of solve({ problem: 'Compute $12 \\times 34 + 5$.', small, policy: { kind: 'never' }, budgets: { maxTokens: 40 } })) events.push(e);
  assert.ok(events.some((e) => e.type === 'text'));
  assert.equal(events.filter((e) => e.type === 'error').length, 0);
});
