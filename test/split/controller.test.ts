import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalModel, resolveModelFolder } from '../../src/engine';
import { OpenAICompletionsProvider, withRetry } from '../../src/providers';
import { bigUserMessage, parseSplitConfig, renderPrompt, solve, type SolveOptions, type TraceEvent } from '../../src/split';
import { CLOSE, EOS, OPEN, buildProgrammedModel, ch, chain } from '../helpers/programmedModel';
import { startFaultServer, withFaultServer, type Fault, type FaultServer } from '../providers/faultServer';
import { tempModel } from '../helpers/tempModel';

// The small model writes "AB", opens a tag, and would write "q#" inside it on its own; it closes
// the tag after '#', then writes "CD\boxed{42}" and stops.
const SMALL_PROGRAM = {
  transitions: [[ch('\n'), ch('A')], ...chain('AB', OPEN), [OPEN, ch('q')], ...chain('q#', CLOSE), [CLOSE, ch('C')], ...chain('CD\\boxed{42}', EOS)] as [
    number,
    number,
  ][],
  fallback: ch('Z'),
};
const BIG_TEXT = 'x=6*7# then more words';
const PROBLEM = 'Compute $6 \\times 7$.';

async function collect(opts: SolveOptions): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const e of solve(opts)) events.push(e);
  return events;
}
const texts = (events: TraceEvent[]) => {
  const source = new Map<number, string>();
  const out: { source: string; text: string }[] = [];
  for (const e of events) {
    if (e.type === 'segment') {
      source.set(e.id, e.source);
      out.push({ source: e.source, text: '' });
    }
    if (e.type === 'text') out[out.length - 1].text += e.text;
  }
  return out.filter((s) => s.text).map((s) => `${s.source}:${s.text}`);
};
/** A large model served by the fault server, as each test here reaches it. */
const bigModelAt = (server: FaultServer) => new OpenAICompletionsProvider({ baseUrl: server.url, model: 'big', timeoutMs: 2000 });
const last = <T extends TraceEvent['type']>(events: TraceEvent[], type: T) => events.filter((e) => e.type === type).at(-1) as Extract<TraceEvent, { type: T }>;

describe('split controller on programmed models over real HTTP', () => {
  let small: LocalModel;
  let server: FaultServer;
  let base: string;
  const provider = (retry = {}) => withRetry(bigModelAt(server), { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, ...retry });
  const reset = (faults: Fault[] = []) => {
    server.requests.length = 0;
    server.faults.splice(0, server.faults.length, ...faults);
  };

  before(async () => {
    small = await LocalModel.load(buildProgrammedModel(SMALL_PROGRAM), { device: 'cpu' });
    base = renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)) + 'AB';
    server = await startFaultServer({ base, doc: BIG_TEXT });
  });
  after(async () => {
    await server.close();
    await small.dispose();
  });

  test('learned: the large model writes the tagged step; the small model takes over where it would close the tag', async () => {
    reset();
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' } });
    assert.deepEqual(texts(events), ['small:AB', 'big:x=6*7#', 'small:CD\\boxed{42}']);
    // the large model saw the prompt without the hint and the reasoning without tags
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].text, base);
    assert.ok(!server.requests[0].text.includes('You always use'));
    const ends = events.filter((e) => e.type === 'segmentEnd');
    assert.deepEqual(
      ends.map((e) => e.reason),
      ['offload', 'handback', 'eos'],
    );
    assert.equal(ends[1].tokens, 'x=6*7#'.length);
    const stats = last(events, 'stats');
    assert.equal(stats.bigTokens, 6);
    assert.equal(stats.smallTokens, 'AB'.length + 1 + 'CD\\boxed{42}'.length + 1); // + open tag, + eos
    assert.ok(Math.abs(stats.offloadFraction - 6 / (6 + stats.smallTokens)) < 1e-9);
    assert.deepEqual(last(events, 'done'), { type: 'done', answer: '42', reason: 'eos' });
  });

  test('solves sharing one long-lived signal (as eval and the extension do) leave no listener on it', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 3; i++) {
      reset();
      const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' }, signal: ac.signal });
      assert.equal(last(events, 'done').answer, '42');
    }
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });

  test('never: the small model writes everything, inside its own tags too', async () => {
    reset();
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'never' } });
    assert.deepEqual(texts(events), ['small:ABq#CD\\boxed{42}']);
    assert.equal(server.requests.length, 0);
    assert.equal(last(events, 'stats').bigTokens, 0);
  });

  test('always: the large model alone writes the whole solution', async () => {
    await withFaultServer({ base: renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)), doc: 'all by myself \\boxed{7}' }, async (alone) => {
      const events = await collect({ problem: PROBLEM, small, big: bigModelAt(alone), policy: { kind: 'always' } });
      assert.deepEqual(texts(events), ['big:all by myself \\boxed{7}']);
      assert.equal(last(events, 'stats').smallTokens, 0);
      assert.equal(last(events, 'done').answer, '7');
    });
  });

  test('a large model that keeps failing marks the segment failed; the small model writes the step and nothing is lost', async () => {
    reset([
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    ]);
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' } });
    assert.deepEqual(texts(events), ['small:AB', 'small:q#CD\\boxed{42}']);
    const failed = events.find((e) => e.type === 'segmentEnd' && e.reason === 'failed');
    assert.ok(failed && failed.type === 'segmentEnd' && /500/.test(failed.error ?? ''), JSON.stringify(failed));
    assert.equal(server.requests.length, 2, 'retried once, then gave up');
    assert.equal(last(events, 'done').answer, '42');
  });

  test('a reset mid-stream is retried and resumes where it broke', async () => {
    reset([{ kind: 'reset', afterChunks: 1 }]);
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' } });
    assert.deepEqual(texts(events), ['small:AB', 'big:x=6*7#', 'small:CD\\boxed{42}']);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].text, base + 'x=6*7#');
  });

  const faults: [string, Fault][] = [
    ['connection reset mid-stream', { kind: 'reset', afterChunks: 1 }],
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['429 with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '0' } }],
    ['a stall past the timeout', { kind: 'stall', afterChunks: 1 }],
    ['a malformed SSE line', { kind: 'malformed', afterChunks: 1 }],
    ['a stream that ends without [DONE]', { kind: 'noDone', afterChunks: 1 }],
  ];
  for (const [name, fault] of faults) {
    test(`fault once (${name}): retried, the solve completes with the large model's step`, async () => {
      reset([fault]);
      const events = await collect({ problem: PROBLEM, small, big: provider({ timeoutMs: 300 }), policy: { kind: 'learned' } });
      assert.deepEqual(texts(events), ['small:AB', 'big:x=6*7#', 'small:CD\\boxed{42}']);
      assert.ok(server.requests.length >= 2, `only ${server.requests.length} request(s)`);
      // a retry continues after what was already received, never from scratch
      for (const r of server.requests.slice(1)) assert.ok(r.text.startsWith(base) && 'x=6*7# then more words'.startsWith(r.text.slice(base.length)), r.text);
    });
    test(`fault every time (${name}): the segment is marked failed, the small model writes it, nothing is lost`, async () => {
      // from the first byte on: a fault after some text would let the hand-back come first
      const early = 'afterChunks' in fault ? { ...fault, afterChunks: 0 } : fault;
      reset([early, early, early]);
      const events = await collect({ problem: PROBLEM, small, big: provider({ timeoutMs: 300 }), policy: { kind: 'learned' } });
      const shown = texts(events).join('|');
      // whatever the large model streamed before failing stays; the small model finishes the step
      assert.match(shown, /^small:AB\|(big:x=6\*7#\|)?small:(q#)?CD\\boxed\{42\}$/);
      const end = events.find((e) => e.type === 'segmentEnd' && e.reason === 'failed');
      assert.ok(end, `no failed segment in ${shown}`);
      assert.equal(last(events, 'done').answer, '42');
    });
  }

  test('the segment cap forces the tag closed', async () => {
    reset();
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' }, budgets: { segmentCap: 3 } });
    assert.deepEqual(texts(events), ['small:AB', 'big:x=6', 'small:CD\\boxed{42}']);
    assert.equal(events.find((e) => e.type === 'segmentEnd' && e.reason === 'cap')?.type, 'segmentEnd');
  });

  test('with the offload budget spent, the small model writes tagged steps itself', async () => {
    reset();
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' }, budgets: { maxOffloadTokens: 0 } });
    assert.deepEqual(texts(events), ['small:ABq#CD\\boxed{42}']);
    assert.equal(server.requests.length, 0);
  });

  test('max tokens ends the solve with what was written so far', async () => {
    reset();
    const events = await collect({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' }, budgets: { maxTokens: 5 } });
    assert.equal(last(events, 'done').reason, 'max-tokens');
    assert.deepEqual(texts(events).slice(0, 1), ['small:AB']);
  });

  test('cancelling during an offload aborts the request and ends the solve as cancelled', async () => {
    reset([{ kind: 'stall', afterChunks: 0 }]);
    const ac = new AbortController();
    const events: TraceEvent[] = [];
    for await (const e of solve({ problem: PROBLEM, small, big: provider(), policy: { kind: 'learned' }, signal: ac.signal })) {
      events.push(e);
      if (e.type === 'segment' && e.source === 'big') setTimeout(() => ac.abort(), 20);
    }
    assert.equal(last(events, 'done').reason, 'cancelled');
    assert.deepEqual(texts(events), ['small:AB']);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.requests[0].aborted, true);
  });

  test("the model's context ends a solve as max-tokens, never as an error", async () => {
    const looping = await LocalModel.load(
      buildProgrammedModel({ transitions: [[ch('\n'), ch('A')], ...chain('AB', OPEN)], fallback: ch('Z'), maxPositions: 300 }),
      { device: 'cpu' },
    );
    try {
      reset();
      const events = await collect({ problem: PROBLEM, small: looping, big: provider(), policy: { kind: 'learned' }, budgets: { maxTokens: 100000 } });
      assert.equal(
        events.some((e) => e.type === 'error'),
        false,
        JSON.stringify(events.find((e) => e.type === 'error')),
      );
      assert.equal(last(events, 'done').reason, 'max-tokens');
      assert.ok(texts(events).join('').length > 20);
    } finally {
      await looping.dispose();
    }
  });

  test('no large model configured: small only', async () => {
    const events = await collect({ problem: PROBLEM, small });
    assert.equal((events[0] as { bigModel: string }).bigModel, 'none');
    assert.deepEqual(texts(events), ['small:ABq#CD\\boxed{42}']);
  });
});

describe('other triggers', () => {
  test('cue: an offload starts after a reflection word; multi-token tags are confirmed by rollout', async () => {
    // tags are plain byte sequences here; the small model closes after '#' by writing "</bigmodel>" byte by byte
    const small = await LocalModel.load(
      buildProgrammedModel({
        transitions: [[ch('\n'), ch('U')], ...chain('Uh,', ch(' ')), [ch(' '), ch('Q')], ...chain('#</bigmodel>', ch('E')), ...chain('E.', EOS)],
        fallback: ch('Q'),
        plainTags: true,
      }),
      { device: 'cpu' },
    );
    const base = renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)) + 'Uh,';
    try {
      await withFaultServer({ base, doc: ' yes 42# more' }, async (server) => {
        const big = bigModelAt(server);
        const events = await collect({ problem: PROBLEM, small, big, policy: { kind: 'cue', words: ['Uh'] } });
        assert.deepEqual(texts(events), ['small:Uh,', 'big: yes 42#', 'small:E.']);
        assert.equal(events.find((e) => e.type === 'segment' && e.source === 'big' && e.trigger === 'cue')?.type, 'segment');
      });
    } finally {
      await small.dispose();
    }
  });

  test('entropy: offloads where the small model is unsure', async () => {
    const letters = [...'abcdefgh'].map(ch);
    const small = await LocalModel.load(
      buildProgrammedModel({
        transitions: [[ch('\n'), ch('S')], [ch('S'), letters], ...letters.map((l) => [l, ch('#')] as [number, number]), [ch('#'), CLOSE], [CLOSE, EOS]],
        fallback: ch('S'),
      }),
      { device: 'cpu' },
    );
    const base = renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)) + 'S';
    try {
      await withFaultServer({ base, doc: 'k# rest' }, async (server) => {
        const big = bigModelAt(server);
        const events = await collect({ problem: PROBLEM, small, big, policy: { kind: 'entropy', threshold: 1.5 } });
        // after 'S' eight letters are equally likely (entropy ln 8 ≈ 2.08 nats): the large model picks
        assert.deepEqual(texts(events), ['small:S', 'big:k#']);
        assert.equal(last(events, 'done').reason, 'eos');
      });
    } finally {
      await small.dispose();
    }
  });
});

describe('splitreason.json', () => {
  test('a model trained with other tags and no hint offloads on its own tags', async () => {
    const dir = buildProgrammedModel({
      transitions: [[ch('\n'), ch('A')], ...chain('A@(', ch('q')), ...chain('q!#)', ch('E')), ...chain('E.', EOS)],
      fallback: ch('q'),
      plainTags: true,
    });
    writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ openTag: '@(', closeTag: '#)', hint: '' }));
    const small = await LocalModel.load(dir, { device: 'cpu' });
    const base = renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)) + 'A';
    try {
      await withFaultServer({ base, doc: 'x=1! and on' }, async (server) => {
        const big = bigModelAt(server);
        const events = await collect({ problem: PROBLEM, small, big });
        assert.deepEqual(texts(events), ['small:A', 'big:x=1!', 'small:E.']);
        assert.equal((events[0] as { policy: string }).policy, 'learned');
        // no hint sentence: the small model's prompt is the large model's
        assert.equal(server.requests[0].text, base);
      });
    } finally {
      await small.dispose();
    }
  });

  const mergedTags =
    "'text' tags merged with their neighbours by the BPE: the open tag is found in the text (its lead shown, the tag never), " +
    'the close tag by the hand-back probe';
  test(mergedTags, async () => {
    // "=<" and ">:" are single tokens here, so the tag's own ids never appear in what the model writes
    const dir = buildProgrammedModel({
      // the close tag is spelled "<", "/", "b" … "l", ">:" after the large model's '#': a hand-back there
      transitions: [[ch('\n'), ch('A')], [ch('A'), OPEN], [OPEN, ch('b')], ...chain('bigmodel'), [ch('l'), CLOSE], ...chain('#</b'), ...chain('>E.', EOS)],
      fallback: ch('Q'),
      plainTags: true,
      merges: [
        ['=', '<'],
        ['>', ':'],
      ],
    });
    writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ tags: 'text' }));
    const small = await LocalModel.load(dir, { device: 'cpu' });
    assert.deepEqual(
      small.tokenizer.encode('A=<bigmodel>:'),
      [ch('A'), OPEN, ...[...'bigmodel'].map(ch), CLOSE],
      'the fixture merges the tag with its neighbours',
    );
    const base = renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)) + 'A=';
    const server = await startFaultServer({ base, doc: ' 42# more' });
    try {
      const big = new OpenAICompletionsProvider({ baseUrl: server.url, model: 'big', timeoutMs: 2000 });
      const events = await collect({ problem: PROBLEM, small, big });
      // the "=" before the tag is the small model's; the ":" after it is dropped with the tag
      assert.deepEqual(texts(events), ['small:A=', 'big: 42#', 'small:E.']);
      const offload = events.find((e) => e.type === 'segment' && e.source === 'big') as { trigger?: string } | undefined;
      assert.equal(offload?.trigger, 'learned');
      assert.equal(server.requests[0].text, base);
    } finally {
      await server.close();
      await small.dispose();
    }
  });

  test('a broken splitreason.json is a clear error', () => {
    const { dir } = tempModel();
    writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ openTag: '<x>', closeTag: '<x>' }));
    const read = () => parseSplitConfig(resolveModelFolder(dir).splitreason);
    assert.throws(read, /"openTag" and "closeTag" must be two different non-empty strings/);
    writeFileSync(join(dir, 'splitreason.json'), JSON.stringify({ policy: 'often' }));
    assert.throws(read, /"policy" must be one of learned, entropy/);
    writeFileSync(join(dir, 'splitreason.json'), '{"openTag": ');
    assert.throws(read, /splitreason\.json: not valid JSON/);
  });
});
