import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseTrace, serializeTrace } from '../../src/vscode/traceFile';
import type { TraceEvent } from '../../src/split/events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const trace: TraceEvent[] = [
  { type: 'start', problem: 'What is 2+2?', smallModel: 's', bigModel: 'b', device: 'cpu', policy: 'learned', time: 1 },
  { type: 'segment', id: 0, source: 'small', trigger: 'start' },
  { type: 'text', id: 0, text: 'Add: ' },
  { type: 'segmentEnd', id: 0, tokens: 3, ms: 5, reason: 'offload' },
  { type: 'segment', id: 1, source: 'big', trigger: 'learned' },
  { type: 'text', id: 1, text: '2+2=4, so \\boxed{4}' },
  { type: 'segmentEnd', id: 1, tokens: 9, ms: 50, reason: 'big-eos', model: 'b' },
  { type: 'done', answer: '4', reason: 'eos' },
];

describe('trace files', () => {
  it('round-trips events through .jsonl', () => {
    const text = serializeTrace(trace);
    assert.equal(text.split('\n').length, trace.length + 1);
    assert.deepEqual(parseTrace(text), trace);
  });

  it('names the line and the field that is wrong', () => {
    assert.throws(() => parseTrace('{"type":"text","id":0,"text":"a"}\n{oops}\n'), /trace, line 2: not JSON/);
    assert.throws(() => parseTrace('{"type":"text","id":"0","text":"a"}', 'x.jsonl'), /x\.jsonl, line 1: "text" event needs id as a number, got "0"/);
    assert.throws(() => parseTrace('{"type":"html","html":"<script>"}'), /unknown event type "html"/);
    assert.throws(() => parseTrace('{"type":"segment","id":1,"source":"evil","trigger":"x"}'), /source must be "small" or "big"/);
    assert.throws(() => parseTrace('\n\n'), /no events/);
  });

  it('reads every trace fixture the tests share as a valid trace, every line an event', () => {
    const dir = join(__dirname, '../fixtures/traces');
    const names = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    assert.ok(names.length >= 6, names.join(', '));
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'utf8');
      assert.equal(parseTrace(text, name).length, text.split('\n').filter((l) => l.trim()).length, name);
    }
  });
});
