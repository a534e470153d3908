import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax, createSampler } from '../../src/engine';

const logits = Float32Array.from([1.0, 3.0, 2.5, -1.0, 2.9, 0.0]);

test('greedy is argmax, with or without a seed', () => {
  assert.equal(argmax(logits), 1);
  assert.equal(createSampler({}).sample(logits), 1);
  assert.equal(createSampler({ temperature: 0, seed: 3 }).sample(logits), 1);
});

test('top-k 1 and a tiny top-p both reduce to the most likely token', () => {
  for (let seed = 0; seed < 20; seed++) {
    assert.equal(createSampler({ temperature: 2, topK: 1, seed }).sample(logits), 1);
    assert.equal(createSampler({ temperature: 2, topP: 0.01, seed }).sample(logits), 1);
  }
});

test('top-k keeps only the k best tokens', () => {
  const s = createSampler({ temperature: 5, topK: 3, seed: 9 });
  const seen = new Set<number>();
  for (let i = 0; i < 400; i++) seen.add(s.sample(logits));
  assert.deepEqual([...seen].sort(), [1, 2, 4]);
});

test('temperature sampling follows the softmax distribution', () => {
  const s = createSampler({ temperature: 1, seed: 123 });
  const n = 20000;
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < n; i++) counts[s.sample(logits)]++;
  const exp = Array.from(logits, Math.exp);
  const z = exp.reduce((a, b) => a + b, 0);
  exp.forEach((e, i) => {
    const p = e / z;
    const sd = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs(counts[i] / n - p) < 5 * sd + 1e-3, `token ${i}: ${counts[i] / n} vs ${p}`);
  });
});

test('a seed reproduces the same sequence', () => {
  const run = (seed: number) => {
    const s = createSampler({ temperature: 1.2, topP: 0.9, seed });
    return Array.from({ length: 50 }, () => s.sample(logits));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('invalid top-p is refused with the allowed range', () => {
  assert.throws(() => createSampler({ temperature: 1, topP: 1.5 }), /topP must be in \(0, 1\]/);
});

test('top-k over a large vocabulary keeps exactly the k best, in order', () => {
  const rand = (() => {
    let x = 1;
    return () => (x = (x * 48271) % 2147483647) / 2147483647;
  })();
  const big = Float32Array.from({ length: 150000 }, () => rand() * 10);
  const best = Array.from(big.keys())
    .sort((a, b) => big[b] - big[a])
    .slice(0, 5);
  const seen = new Set<number>();
  const s = createSampler({ temperature: 0.05, topK: 5, seed: 1 });
  for (let i = 0; i < 300; i++) seen.add(s.sample(big));
  for (const t of seen) assert.ok(best.includes(t), `sampled ${t}, not among the 5 best`);
  assert.ok(seen.has(best[0]));
});
