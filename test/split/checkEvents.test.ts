import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { createProvider } from '../../src/providers';
import { type CheckEvent, type TraceEvent, solve, withChecks } from '../../src/split';
import { bundledModel } from '../../src/cli/defaults';

async function collect(events: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function* stream(events: TraceEvent[]): AsyncGenerator<TraceEvent> {
  for (const e of events) yield e;
}

const START: TraceEvent = {
  type: 'start',
  problem: 'Compute $47 \\times 86 - 129$.',
  smallModel: 's',
  bigModel: 'b',
  device: 'cpu',
  policy: 'learned',
  time: 0,
};

test('a check event follows the text that completes each equation line, attributed to the segment that wrote the false part', async () => {
  const out = await collect(
    withChecks(
      stream([
        START,
        { type: 'segment', id: 1, source: 'small', trigger: 'start' },
        { type: 'text', id: 1, text: 'First multiply.\n$47 \\times 86 = ' },
        { type: 'segmentEnd', id: 1, tokens: 5, ms: 1, reason: 'offload' },
        { type: 'segment', id: 2, source: 'big', trigger: 'learned' },
        { type: 'text', id: 2, text: '4042' },
        { type: 'segmentEnd', id: 2, tokens: 2, ms: 1, reason: 'handback' },
        { type: 'segment', id: 3, source: 'small', trigger: 'handback' },
        { type: 'text', id: 3, text: '$\n$4042 - 129 = 3923$' },
        { type: 'done', answer: '3923', reason: 'eos' },
      ]),
    ),
  );
  const types = out.map((e) => (e.type === 'check' ? `check:${e.verdict}` : e.type));
  assert.deepEqual(types, [
    'start',
    'segment',
    'text',
    'segmentEnd',
    'segment',
    'text',
    'segmentEnd',
    'segment',
    'text',
    'check:correct',
    'check:incorrect',
    'done',
  ]);
  const checks = out.filter((e): e is CheckEvent => e.type === 'check');
  assert.deepEqual(checks[0], { type: 'check', segment: 3, line: '$47 \\times 86 = 4042$', verdict: 'correct', message: 'The arithmetic is right.' });
  // the last line has no newline: it is checked before `done`, and its false part "3923" was written by segment 3
  assert.deepEqual(checks[1], {
    type: 'check',
    segment: 3,
    line: '$4042 - 129 = 3923$',
    verdict: 'incorrect',
    expected: '3913',
    message: '4042 - 129 = 3913, not 3923.',
  });
});

test('the false part is attributed to the large model when it wrote it; prose and tags give no check', async () => {
  const out = await collect(
    withChecks(
      stream([
        START,
        { type: 'segment', id: 1, source: 'small', trigger: 'start' },
        { type: 'text', id: 1, text: 'Hmm <bigmodel>\n$47 \\times 86 = ' },
        { type: 'segment', id: 2, source: 'big', trigger: 'learned' },
        { type: 'text', id: 2, text: '4032$</bigmodel>\n' },
        { type: 'done', answer: null, reason: 'eos' },
      ]),
    ),
  );
  const checks = out.filter((e): e is CheckEvent => e.type === 'check');
  assert.equal(checks.length, 1);
  assert.equal(checks[0].segment, 2);
  assert.equal(checks[0].line, '$47 \\times 86 = 4032$');
  assert.equal(checks[0].expected, '4042');
});

test('a real toy solve gets a verdict on each equation line (the small model alone writes one the CAS cannot read)', async () => {
  const small = await LocalModel.load(bundledModel('toy-small'), { device: 'cpu' });
  const big = createProvider({ kind: 'local', modelDir: bundledModel('toy-big') });
  try {
    const problem = 'Compute $47 \\times 86 - 129$.';
    const split = await collect(withChecks(solve({ problem, small, big, policy: { kind: 'learned' } })));
    const checks = split.filter((e): e is CheckEvent => e.type === 'check');
    const text = split
      .filter((e) => e.type === 'text')
      .map((e) => (e as { text: string }).text)
      .join('');
    const equationLines = text.split('\n').filter((l) => l.includes('='));
    assert.equal(checks.length, equationLines.length, text);
    assert.deepEqual(
      checks.map((c) => c.verdict),
      checks.map(() => 'correct'),
      JSON.stringify(checks),
    );
    // checks come after the text that completed their line, never before it
    const lastText = split.map((e) => e.type).lastIndexOf('text');
    assert.ok(split.findIndex((e) => e.type === 'check') < lastText);

    // Alone, the toy small model garbles the multiplication ("= 1 \\times  =  = …", unreadable: unknown,
    // never a guess) and then writes a true "99 - 2 = 97" (correct, whatever the problem wanted).
    const alone = await collect(withChecks(solve({ problem, small, policy: { kind: 'never' } })));
    const aloneText = alone
      .filter((e) => e.type === 'text')
      .map((e) => (e as { text: string }).text)
      .join('');
    assert.match(aloneText, /= {2}= /, 'the small model alone still garbles this problem');
    const verdicts = alone.filter((e): e is CheckEvent => e.type === 'check').map((c) => c.verdict);
    assert.deepEqual(verdicts, ['unknown', 'correct'], aloneText);
  } finally {
    await small.dispose();
    await big?.dispose?.();
  }
});
