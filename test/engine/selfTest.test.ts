/**
 * `device: auto`'s self-test and its fallback, on the CPU (the one provider here): the CPU is
 * self-tested only when SPLITREASON_SELF_TEST_CPU=1, and SPLITREASON_ENGINE_FAULT=self-test makes
 * the engine crash inside the self-test the way a broken GPU driver would.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { tempDir, tempModel } from '../helpers/tempModel';

async function load(dir: string, record: string, env: Record<string, string>): Promise<{ model: LocalModel; log: string[] }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const log: string[] = [];
  try {
    return { model: await LocalModel.load(dir, { device: 'auto', selfTestFile: record, log: (l) => log.push(l) }), log };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('a provider met for the first time is self-tested once; the result is kept per machine', async () => {
  const { dir } = tempModel({ seed: 8 });
  const record = join(tempDir(), 'self-test.json');
  const first = await load(dir, record, { SPLITREASON_SELF_TEST_CPU: '1' });
  assert.ok(first.log.includes('cpu passed its self-test'), first.log.join('\n'));
  await first.model.dispose();
  const saved = JSON.parse(readFileSync(record, 'utf8'));
  assert.equal(Object.values(saved).length, 1);
  assert.equal((Object.values(saved)[0] as { ok: boolean }).ok, true);
  const second = await load(dir, record, { SPLITREASON_SELF_TEST_CPU: '1' });
  assert.ok(!second.log.some((l) => l.includes('self-test')), 'not tested again');
  await second.model.dispose();
});

test('a provider whose engine crashes in the self-test is recorded and the model falls back and works', async () => {
  const { dir } = tempModel({ seed: 9 });
  const record = join(tempDir(), 'self-test.json');
  const { model, log } = await load(dir, record, { SPLITREASON_SELF_TEST_CPU: '1', SPLITREASON_ENGINE_FAULT: 'self-test' });
  assert.ok(
    log.some((l) => /^cpu failed its self-test \(the model engine crashed \(SIGSEGV\) while starting a generation.*\); falling back$/.test(l)),
    log.join('\n'),
  );
  const entry = Object.values(JSON.parse(readFileSync(record, 'utf8')))[0] as { ok: boolean; reason: string };
  assert.equal(entry.ok, false);
  assert.match(entry.reason, /crashed \(SIGSEGV\)/);
  // the fallback (the CPU, here the last resort, loaded without the self-test) generates
  const g = await model.generator();
  await g.append([1, 2, 3]);
  assert.equal(typeof (await g.next({})).token, 'number');
  await model.dispose();
});
