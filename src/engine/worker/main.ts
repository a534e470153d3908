/**
 * The engine worker: owns the onnxruntime session and every generator's KV cache.
 * onnxruntime-node's run() blocks its thread, so this runs off the caller's thread.
 * Requests run strictly in arrival order; only `cancel` jumps the queue.
 */
import { parentPort } from 'node:worker_threads';
import { createSampler, type Sampler } from '../sampler';
import type { LogitsMode, SamplerSpec } from '../types';
import { KvCache } from './kvCache';
import type { Reply, Request } from './protocol';
import { DecoderSession } from './session';

interface GeneratorState {
  cache: KvCache;
  /** logits after the last cached token; undefined right after a rewind */
  last?: Float32Array;
  /** next() calls with the same spec continue one seeded sequence; a new spec starts a new one */
  nextSampler?: { key: string; sampler: Sampler };
}

const port = parentPort!;
let session: DecoderSession | undefined;
const generators = new Map<number, GeneratorState>();
const cancelled = new Set<number>();
let queue = Promise.resolve();

port.on('message', (msg: { id: number; req: Request }) => {
  if (msg.req.op === 'cancel') {
    cancelled.add(msg.req.target);
    return;
  }
  queue = queue.then(() => handle(msg.id, msg.req));
});

async function handle(id: number, req: Request): Promise<void> {
  try {
    const value = await dispatch(id, req);
    post({ id, ok: true, value }, value instanceof Float32Array ? [value.buffer as ArrayBuffer] : []);
  } catch (e) {
    post({ id, ok: false, error: (e as Error).message ?? String(e) });
  } finally {
    cancelled.delete(id);
  }
}

function post(reply: Reply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

function state(gen: number): GeneratorState {
  const s = generators.get(gen);
  if (!s) throw new Error(`generator ${gen} was disposed`);
  return s;
}

function loaded(): DecoderSession {
  if (!session) throw new Error('no model is loaded in this worker');
  return session;
}

function sample(s: GeneratorState, sampler: Sampler): number {
  if (!s.last) throw new Error('no logits to sample from: append at least one token first (a rewind discards the last logits)');
  return sampler.sample(s.last);
}

function samplerForNext(s: GeneratorState, spec: SamplerSpec): Sampler {
  const key = JSON.stringify(spec);
  if (s.nextSampler?.key !== key) s.nextSampler = { key, sampler: createSampler(spec) };
  return s.nextSampler.sampler;
}

/**
 * Logits of positions before the last one cost a [n × vocab] head for nothing when only the
 * last is wanted; past this size the prefill runs in two parts and skips that head.
 */
const SKIP_HEAD_MIN_FLOATS = 1 << 20;

async function append(s: GeneratorState, ids: number[], mode: LogitsMode): Promise<Float32Array> {
  const session = loaded();
  const vocab = session.load.vocabSize;
  if (mode !== 'all' && (ids.length - 1) * vocab >= SKIP_HEAD_MIN_FLOATS) {
    await session.step(s.cache, ids.slice(0, -1), false);
    ids = ids.slice(-1);
  }
  const logits = (await session.step(s.cache, ids))!;
  s.last = logits.subarray(logits.length - vocab);
  return logits;
}

async function dispatch(id: number, req: Request): Promise<unknown> {
  switch (req.op) {
    case 'load':
      session = await DecoderSession.create(req.load);
      return session.info;
    case 'create': {
      const { numLayers, kvHeads, headDim } = loaded().load;
      generators.set(req.gen, { cache: new KvCache(numLayers, kvHeads, headDim, loaded().info.kvType) });
      return undefined;
    }
    case 'append': {
      if (req.ids.length === 0) throw new Error('append needs at least one token id');
      const s = state(req.gen);
      const logits = await append(s, req.ids, req.logits);
      if (req.logits === 'none') return undefined;
      const out = req.logits === 'all' ? logits : s.last!;
      return out.slice(); // a copy the caller owns (the cache keeps `last`)
    }
    case 'next': {
      const s = state(req.gen);
      const token = sample(s, samplerForNext(s, req.sampler));
      await append(s, [token], 'last');
      return token;
    }
    case 'generate': {
      const s = state(req.gen);
      const stop = new Set(req.stop);
      const sampler = createSampler(req.sampler); // each call starts its seed afresh
      for (let n = 0; n < req.maxTokens; n++) {
        if (cancelled.has(id)) return 'cancelled';
        const token = sample(s, sampler);
        post({ id, token });
        await append(s, [token], 'last');
        if (stop.has(token)) return 'stop';
        await new Promise<void>((r) => setImmediate(r)); // lets a cancel message in
      }
      return 'length';
    }
    case 'rewind': {
      const s = state(req.gen);
      s.cache.rewind(req.length);
      s.last = undefined;
      return undefined;
    }
    case 'free':
      generators.delete(req.gen);
      return undefined;
    case 'unload':
      generators.clear();
      await session?.release();
      session = undefined;
      return undefined;
    case 'cancel':
      return undefined;
  }
}
