/**
 * The `verify` rewrite on a programmed small model (a real ONNX decoder whose next token depends on
 * the current one) and a real HTTP large model: where the large model's rewrite ends, and what the
 * small model's cache holds after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { OpenAICompletionsProvider } from '../../src/providers';
import { bigUserMessage, renderPrompt, solve, type TraceEvent } from '../../src/split';
import { CLOSE, EOS, buildProgrammedModel, ch, chain } from '../helpers/programmedModel';
import { startFaultServer, type FaultServer } from '../providers/faultServer';

const PROBLEM = 'Compute $6 \\times 7$.';

// The small model writes the wrong line "6*7=51". Reading the large model's "42" it would close a
// tag right after the '4' (inside the number), and after the '2' it ends the solution; after a
// close tag it would write 'Z's.
const PROGRAM = {
  transitions: [[ch('\n'), ch('6')], ...chain('6*7=51\n'), [ch('4'), CLOSE], [ch('2'), EOS], [CLOSE, ch('Z')]] as [number, number][],
  fallback: ch('Z'),
};

// The small model writes "6*7=5"; reading the large model's "40" it closes the tag after the '0' (a
// whole number) and goes on "+3", a false part that starts in the shown "40"; after a '2' it ends.
const AFTER_SHOWN = {
  transitions: [[ch('\n'), ch('6')], ...chain('6*7=5\n'), [ch('0'), CLOSE], [CLOSE, ch('+')], ...chain('+3\n'), [ch('2'), EOS]] as [number, number][],
  fallback: ch('Z'),
};

async function run(small: LocalModel, server: FaultServer): Promise<TraceEvent[]> {
  const big = new OpenAICompletionsProvider({ baseUrl: server.url, model: 'big', timeoutMs: 2000 });
  const events: TraceEvent[] = [];
  for await (const e of solve({ problem: PROBLEM, small, big, policy: { kind: 'verify' }, budgets: { maxTokens: 40 } })) events.push(e);
  return events;
}

function segments(events: TraceEvent[]): string[] {
  const source = new Map<number, string>();
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'segment') source.set(e.id, `${e.source}/${e.trigger}`);
    if (e.type === 'text') out.push(`${source.get(e.id)}:${e.text}`);
  }
  return out.reduce<string[]>((acc, s) => {
    const [who] = s.split(':', 1);
    if (acc.length && acc[acc.length - 1].startsWith(`${who}:`)) acc[acc.length - 1] += s.slice(who.length + 1);
    else acc.push(s);
    return acc;
  }, []);
}

describe('verify rewrite on a programmed small model over real HTTP', () => {
  let small: LocalModel;
  let server: FaultServer;
  before(async () => {
    small = await LocalModel.load(buildProgrammedModel(PROGRAM), { device: 'cpu' });
    // the large model continues "6*7=" with "42", then spaces, the newline and a next line
    server = await startFaultServer({ base: renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)), doc: '6*7=42 \nnext line' });
  });
  after(async () => {
    await server.close();
    await small.dispose();
  });

  test('the large model writes the whole number, to the end of the line, and the small model reads it untagged', async () => {
    const events = await run(small, server);
    // the rewrite starts right after the `=` the checker accepts; the large model saw that much
    assert.equal(server.requests.length, 1);
    assert.ok(server.requests[0].text.endsWith('6*7='));
    // no hand-back after the '4'; the line's end (spaces, newline) is not the large model's to write;
    // after it the small model's cache ends "6*7=42" with no tag (it ends the solution, no 'Z' after a close tag)
    assert.deepEqual(segments(events), ['small/start:6*7=', 'big/verify:42']);
    const ends = events.filter((e) => e.type === 'segmentEnd');
    assert.deepEqual(
      ends.map((e) => e.reason),
      ['offload', 'big-eos', 'eos'],
    );
    assert.equal(ends[1].tokens, 2);
    assert.deepEqual(events.at(-1), { type: 'done', answer: null, reason: 'eos' });
  });
});

describe('verify rewrite of a false part that starts in text already shown', () => {
  let small: LocalModel;
  let server: FaultServer;
  before(async () => {
    small = await LocalModel.load(buildProgrammedModel(AFTER_SHOWN), { device: 'cpu' });
    server = await startFaultServer({ base: renderPrompt(small.tokenizer, bigUserMessage(PROBLEM)), doc: '6*7=40+2\nnext line' });
  });
  after(async () => {
    await server.close();
    await small.dispose();
  });

  test('the operator the small model wrote stays; the large model rewrites from the first term held back', async () => {
    const events = await run(small, server);
    // "6*7=5" rewritten from "5": the large model's "40" handed back after the whole number; "40+3"
    // is false from the shown "40", so the rewrite starts after the small model's "+"
    assert.deepEqual(segments(events), ['small/start:6*7=', 'big/verify:40', 'small/handback:+', 'big/verify:2']);
    const base = renderPrompt(small.tokenizer, bigUserMessage(PROBLEM));
    assert.deepEqual(
      server.requests.map((r) => r.text.slice(base.length)),
      ['6*7=', '6*7=40+'],
    );
    assert.deepEqual(events.at(-1), { type: 'done', answer: null, reason: 'eos' });
  });
});
