import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSseEvents, type SseEvent } from '../../src/providers/sse';

async function parse(pieces: (string | Uint8Array)[]): Promise<SseEvent[]> {
  const enc = new TextEncoder();
  async function* body() {
    for (const p of pieces) yield typeof p === 'string' ? enc.encode(p) : p;
  }
  const out: SseEvent[] = [];
  for await (const e of readSseEvents(body())) out.push(e);
  return out;
}

test('data lines, comments, event names and every line ending', async () => {
  const events = await parse([': keep-alive\n\ndata: a\r\n\r\nevent: x\rdata: b\r\rdata:c\n\n']);
  assert.deepEqual(events, [
    { event: undefined, data: 'a' },
    { event: 'x', data: 'b' },
    { event: undefined, data: 'c' },
  ]);
});

test('multi-line data joins with newlines', async () => {
  assert.deepEqual(await parse(['data: one\ndata: two\n\n']), [{ event: undefined, data: 'one\ntwo' }]);
});

test('events split across reads, inside a line, a CRLF pair and a UTF-8 character', async () => {
  const bytes = new TextEncoder().encode('data: π≈3\r\n\r\ndata: [DONE]\r\n\r\n');
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) pieces.push(bytes.slice(i, i + 1));
  assert.deepEqual(await parse(pieces), [
    { event: undefined, data: 'π≈3' },
    { event: undefined, data: '[DONE]' },
  ]);
});

test('a last event without its blank line still arrives', async () => {
  assert.deepEqual(await parse(['data: x\n\ndata: y']), [
    { event: undefined, data: 'x' },
    { event: undefined, data: 'y' },
  ]);
});
