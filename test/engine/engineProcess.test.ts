import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { tempDir, tempModel } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';
import type { LocalModel } from '../../src/engine';

test('the caller keeps running while the engine process loads and generates', async () => {
  const { dir } = tempModel({
    seed: 1,
    config: { hidden_size: 256, intermediate_size: 1024, num_hidden_layers: 4, num_attention_heads: 8, num_key_value_heads: 4, head_dim: 32 },
  });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const model = await loadTestModel(dir, { threads: 1 });
    const g = await model.generator();
    // one long prefill: a single onnxruntime run that would freeze this thread if it ran here
    const before = ticks;
    const pending = g.append(
      Array.from({ length: 1500 }, (_, i) => 32 + (i % 90)),
      { logits: 'none' },
    );
    let settled = false;
    void pending.then(() => (settled = true));
    while (!settled && ticks - before < 5) await new Promise((r) => setTimeout(r, 1));
    assert.equal(settled, false, 'the prefill finished before this thread ran five timer callbacks');
    await pending;
    // and during token-by-token generation
    const during = ticks;
    const tokens: number[] = [];
    for await (const t of g.generate({ maxTokens: 30 })) tokens.push(t);
    assert.equal(tokens.length, 30);
    assert.ok(ticks > during, 'timers ran during generation');
    await model.dispose();
  } finally {
    clearInterval(timer);
  }
});

test('a disposed model rejects calls instead of hanging', async () => {
  const model = await loadTestModel(tempModel().dir);
  const g = await model.generator();
  await model.dispose();
  await assert.rejects(g.append([1]), /disposed/);
  await assert.rejects(model.generator(), /disposed/);
});

test('dispose during a running generation ends the generation instead of crashing the caller', async () => {
  const model = await loadTestModel(tempModel({ seed: 2 }).dir);
  const g = await model.generator();
  await g.append([1, 2, 3], { logits: 'none' });
  const got: number[] = [];
  const consumer = (async () => {
    for await (const t of g.generate({ maxTokens: 100000 })) got.push(t);
  })();
  while (got.length < 3) await new Promise((r) => setTimeout(r, 1));
  await model.dispose();
  await consumer; // generation ended (cancelled) rather than the process aborting
  assert.ok(got.length >= 3 && got.length < 100000);
});

test('a native crash ends the engine process only: the stream fails clearly, what came is kept, the next generator works', async () => {
  const model = await loadTestModel(tempModel({ seed: 3 }).dir);
  const g = await model.generator();
  await g.append([1, 2, 3]);
  const pid = model.enginePid!;
  const got: number[] = [];
  let failure: Error | undefined;
  try {
    for await (const t of g.generate({ maxTokens: 100000 })) {
      got.push(t);
      if (got.length === 5) process.kill(pid, 'SIGSEGV');
    }
  } catch (e) {
    failure = e as Error;
  }
  assert.match(failure?.message ?? 'no error', /the model engine crashed \(SIGSEGV\) while generating; it will restart on the next solve/);
  assert.ok(got.length >= 5 && got.length < 100000, `${got.length} tokens kept`);
  await assert.rejects(g.append([4]), /crashed \(SIGSEGV\)/);
  // this process is alive and the model restarts in a fresh engine process
  const fresh = await model.generator();
  assert.notEqual(model.enginePid, pid);
  await fresh.append([1, 2, 3]);
  const again: number[] = [];
  for await (const t of fresh.generate({ maxTokens: 5 })) again.push(t);
  assert.deepEqual(again, got.slice(0, 5), 'the fresh engine continues the same prompt the same way (greedy)');
  await model.dispose();
});

test('the engine process ends with its model, and a caller with a huge argv can load models (onnxruntime crashed in-process)', async () => {
  const { dir } = tempModel({ seed: 4 });
  // a child Node whose own argv is 20,000 characters: the engine process it starts has a short one
  const script = `
    const { LocalModel } = require(${JSON.stringify(join(__dirname, '../../src/engine'))});
    LocalModel.load(process.argv[1], { device: 'cpu' }).then(async (m) => {
      const pid = m.enginePid;
      const g = await m.generator();
      await g.append([1, 2, 3]);
      const { token } = await g.next({});
      await m.dispose();
      let gone = false;
      try { process.kill(pid, 0); } catch { gone = true; }
      console.log(JSON.stringify({ token, gone }));
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, dir, 'x'.repeat(20000)], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `exit ${r.status} (${r.signal}): ${r.stderr.slice(-500)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(typeof out.token, 'number');
  assert.equal(out.gone, true, 'the engine process is gone after dispose');
});

test('a caller that never disposes its model still exits, and its engine process ends with it', async () => {
  const { dir } = tempModel({ seed: 4 });
  const script = `
    const { LocalModel } = require(${JSON.stringify(join(__dirname, '../../src/engine'))});
    LocalModel.load(process.argv[1], { device: 'cpu' }).then(async (m) => {
      const g = await m.generator();
      await g.append([1, 2, 3]);
      await g.next({});
      console.log(m.enginePid);
    });`;
  // an engine that held its caller (its IPC channel or its stderr pipe) would hit this timeout
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, dir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `the caller did not exit by itself: ${r.stderr.slice(-500)}`);
  assert.equal(r.status, 0, r.stderr.slice(-500));
  const pid = Number(r.stdout.trim().split('\n').pop());
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((ok) => setTimeout(ok, 100));
  assert.equal(alive(pid), false, 'the engine process outlived its caller');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** onnxruntime-node's IO-binding path (WebGPU's on-device cache) on the CPU: the engine reads the variable when it creates a session. */
async function loadWithBoundOutputs(dir: string): Promise<LocalModel> {
  process.env.SPLITREASON_BIND_OUTPUTS = '1';
  try {
    return await loadTestModel(dir);
  } finally {
    delete process.env.SPLITREASON_BIND_OUTPUTS;
  }
}

test('replaying rewinds and bound outputs (the GPU-cache path, on the CPU) give the same logits, probes and tokens as cutting the cache', async () => {
  const { dir } = tempModel({ seed: 5 });
  const models = {
    cut: await loadTestModel(dir, { rewind: 'cut' }),
    replay: await loadTestModel(dir, { rewind: 'replay' }),
    bound: await loadWithBoundOutputs(dir),
  };
  // past 128 tokens a bound prefill without logits goes in chunks
  const ids = Array.from({ length: 300 }, (_, i) => 3 + ((i * 11) % 60));
  const runs = [];
  for (const model of Object.values(models)) {
    const g = await model.generator({ entropy: true });
    await g.append(ids.slice(0, 270));
    // logits for every position, then none: onnxruntime-node 1.30 keeps a bound run's outputs bound
    const all = (await g.append(ids.slice(270, 275), { logits: 'all' }))!;
    await g.append(ids.slice(275, 290));
    g.rewind(282);
    const after = (await g.append(ids.slice(282, 286), { logits: 'last' }))!;
    const probe = await g.probe(ids.slice(286, 294), [ids[295]]);
    g.rewind(280);
    await g.append([7]);
    const tokens = [];
    for (let i = 0; i < 4; i++) tokens.push((await g.next({})).token);
    runs.push({ all, after, probe, tokens, length: g.length, entropy: g.nextEntropy });
  }
  for (const [i, name] of [
    [1, 'replay'],
    [2, 'bound'],
  ] as const) {
    assert.ok(maxAbsDiff(runs[0].all, runs[i].all) < 1e-4, name);
    assert.ok(maxAbsDiff(runs[0].after, runs[i].after) < 1e-4, name);
    assert.deepEqual(runs[i].probe, runs[0].probe, name);
    assert.deepEqual(runs[i].tokens, runs[0].tokens, name);
    assert.equal(runs[i].length, runs[0].length, name);
    assert.ok(Math.abs(runs[0].entropy! - runs[i].entropy!) < 1e-4, name);
  }
  for (const m of Object.values(models)) await m.dispose();
});

test('next() reports the entropy of the distribution it sampled from, and nextEntropy the one after it', async () => {
  const model = await loadTestModel(tempModel({ seed: 6 }).dir);
  const g = await model.generator({ entropy: true });
  const logits = (await g.append([5, 9, 2], { logits: 'last' }))!;
  const before = g.nextEntropy;
  assert.ok(before !== undefined && Math.abs(before - entropyOf(logits)) < 1e-4, `${before} vs ${entropyOf(logits)}`);
  const { token, entropy } = await g.next({});
  assert.equal(entropy, before);
  const after = await g.lastLogits();
  assert.ok(Math.abs(g.nextEntropy! - entropyOf(after)) < 1e-4);
  assert.equal(typeof token, 'number');
  const plain = await model.generator();
  await plain.append([5, 9, 2]);
  assert.equal(plain.nextEntropy, undefined, 'entropy is computed only for generators that ask for it');
  await model.dispose();
});

/** Reference entropy in float64, independent of the engine's code. */
function entropyOf(logits: Float32Array): number {
  const xs = Array.from(logits);
  const m = Math.max(...xs);
  const ws = xs.map((x) => Math.exp(x - m));
  const z = ws.reduce((a, b) => a + b, 0);
  return -ws.reduce((h, w) => h + (w / z) * Math.log(w / z), 0);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test(
  'ortLibraryDir: the engine process loads onnxruntime from that folder (how a CUDA-enabled copy is used)',
  { skip: process.platform !== 'linux' },
  async () => {
    const ortBin = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    const dir = tempDir('sr-ort-');
    copyFileSync(join(ortBin, 'libonnxruntime.so.1'), join(dir, 'libonnxruntime.so.1'));
    const model = await loadTestModel(tempModel({ seed: 7 }).dir, { ortLibraryDir: dir });
    const maps = readFileSync(`/proc/${model.enginePid}/maps`, 'utf8');
    assert.ok(maps.includes(join(dir, 'libonnxruntime.so.1')), 'the engine mapped the copy');
    assert.ok(!maps.includes(join(ortBin, 'libonnxruntime.so.1')), 'and not the package one');
    const g = await model.generator();
    await g.append([1, 2, 3]);
    assert.equal(typeof (await g.next({})).token, 'number');
    await model.dispose();
  },
);

test('generate() delivers every token in order when the engine sends several per message', async () => {
  // a small model makes many tokens per 10 ms, so generate's messages carry batches (process/main.ts)
  const model = await loadTestModel(tempModel({ seed: 4 }).dir);
  try {
    const stepped = await model.generator();
    await stepped.append([5, 6, 7]);
    const viaNext: number[] = [];
    for (let i = 0; i < 80; i++) viaNext.push((await stepped.next()).token);
    const streamed = await model.generator();
    await streamed.append([5, 6, 7]);
    const viaGenerate: number[] = [];
    for await (const t of streamed.generate({ maxTokens: 80 })) viaGenerate.push(t);
    assert.deepEqual(viaGenerate, viaNext);
    assert.equal(streamed.length, 3 + 80);
  } finally {
    await model.dispose();
  }
});

test('the engine answers a memory request with its own heap and resident set', async () => {
  const model = await loadTestModel(tempModel({ seed: 5 }).dir);
  const m = await model.engineMemory();
  assert.ok(m && m.heapUsed > 0 && m.rss > m.heapUsed, JSON.stringify(m));
  // the engine's own peak, not the caller's: at least what it holds now
  assert.ok(m.maxRss >= m.rss && m.maxRss !== process.resourceUsage().maxRSS * 1024, JSON.stringify(m));
  await model.dispose();
  assert.equal(await model.engineMemory(), undefined);
});
