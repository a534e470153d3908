import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLimit } from '../../src/vscode/tokenLimit';
import type { StatsEvent } from '../../src/split/events';

const stats = (small: number, big: number): StatsEvent => ({
  type: 'stats',
  smallTokens: small,
  bigTokens: big,
  offloadFraction: 0,
  tokensPerSecond: 0,
  costEstimate: 0,
});

test('a max-tokens end well below the budget was the model context (the toy pair at ~460 of 4,096 tokens)', () => {
  assert.deepEqual(withLimit({ type: 'done', answer: null, reason: 'max-tokens' }, stats(420, 40), 4096, 512), {
    type: 'done',
    answer: null,
    reason: 'max-tokens',
    limit: 'context',
    limitTokens: 512,
  });
});

test('a max-tokens end at the budget was the budget; other ends are left as they are', () => {
  assert.deepEqual(withLimit({ type: 'done', answer: null, reason: 'max-tokens' }, stats(3000, 1096), 4096, 131072), {
    type: 'done',
    answer: null,
    reason: 'max-tokens',
    limit: 'budget',
    limitTokens: 4096,
  });
  const eos = { type: 'done', answer: '7', reason: 'eos' } as const;
  assert.equal(withLimit(eos, stats(10, 0), 4096, 512), eos);
});
