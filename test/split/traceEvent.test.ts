import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceEvent } from '../../src/split/traceEvent';
import { DONE_REASONS, SEGMENT_END_REASONS } from '../../src/split/events';

/** The checked event, or null when the input is not one. */
const sanitizeEvent = (x: unknown) => parseTraceEvent(x).event ?? null;

test('valid events come back field by field, unknown fields dropped', () => {
  assert.deepEqual(sanitizeEvent({ type: 'segment', id: 3, source: 'big', trigger: 'learned', onmouseover: 'x' }), {
    type: 'segment',
    id: 3,
    source: 'big',
    trigger: 'learned',
  });
  assert.deepEqual(sanitizeEvent({ type: 'segmentEnd', id: 3, tokens: 41, ms: 1380, reason: 'failed', error: 'HTTP 503', model: 7 }), {
    type: 'segmentEnd',
    id: 3,
    tokens: 41,
    ms: 1380,
    reason: 'failed',
    error: 'HTTP 503',
  });
});

test('events that would put a non-number where an id goes are rejected', () => {
  assert.equal(sanitizeEvent({ type: 'text', id: '"><img src=x onerror=alert(1)>', text: 'x' }), null);
  assert.equal(sanitizeEvent({ type: 'text', id: 1.5, text: 'x' }), null);
  assert.equal(sanitizeEvent({ type: 'text', id: 1, text: { toString: 'x' } }), null);
  assert.equal(sanitizeEvent({ type: 'segment', id: 1, source: 'huge', trigger: 'learned' }), null);
  assert.equal(sanitizeEvent({ type: 'segmentEnd', id: 1, reason: 'whatever' }), null);
  assert.equal(sanitizeEvent({ type: 'done', answer: '1', reason: 'because' }), null);
});

test('unknown event types and non-objects are rejected', () => {
  for (const x of [null, 3, 'text', [], { type: 'eval', code: 'x' }, { text: 'no type' }]) assert.equal(sanitizeEvent(x), null);
});

test('missing or non-finite numbers become 0, a non-string answer becomes null', () => {
  assert.deepEqual(sanitizeEvent({ type: 'stats', smallTokens: Number.NaN, bigTokens: Infinity, offloadFraction: '0.5' }), {
    type: 'stats',
    smallTokens: 0,
    bigTokens: 0,
    offloadFraction: 0,
    tokensPerSecond: 0,
    costEstimate: 0,
  });
  assert.deepEqual(sanitizeEvent({ type: 'done', answer: 42, reason: 'eos' }), { type: 'done', answer: null, reason: 'eos' });
});

test('a rejected event says which field was wrong and what it should be', () => {
  assert.equal(parseTraceEvent({ type: 'text', id: 1.5, text: 'x' }).error, '"text" event needs id as a whole number, got 1.5');
  assert.equal(parseTraceEvent({ type: 'check', segment: 0, verdict: 'correct' }).error, '"check" event needs line as a string, got nothing');
  assert.equal(
    parseTraceEvent({ type: 'done', reason: 'because' }).error,
    '"done" event: reason must be "eos", "max-tokens", "timeout", "cancelled" or "error", got "because"',
  );
  assert.match(
    parseTraceEvent({ type: 'html' }).error ?? '',
    /^unknown event type "html" \(expected one of start, segment, text, segmentEnd, stats, done, error, check\)$/,
  );
  assert.equal(parseTraceEvent([]).error, 'expected an event object');
});

test('every segment end reason and done reason is accepted', () => {
  for (const reason of SEGMENT_END_REASONS) assert.equal(sanitizeEvent({ type: 'segmentEnd', id: 0, reason })?.type, 'segmentEnd', reason);
  for (const reason of DONE_REASONS) assert.equal(sanitizeEvent({ type: 'done', answer: null, reason })?.type, 'done', reason);
  // 'budget' was never emitted: a budget that runs out ends the solve with 'max-tokens'
  assert.equal(sanitizeEvent({ type: 'segmentEnd', id: 0, reason: 'budget' }), null);
});
