/**
 * The engine process: owns the onnxruntime session and every generator's state. It runs apart
 * from its caller (a Node child process; in VS Code the extension host's own binary with
 * ELECTRON_RUN_AS_NODE) so that onnxruntime's blocking run() and any native crash, abort or
 * out-of-memory end this process only. Requests run strictly in arrival order; only `cancel`
 * jumps the queue.
 */
import { readFileSync } from 'node:fs';
import { createSampler } from '../sampler';
import { KvCache } from './kvCache';
import { GeneratorState } from './generatorState';
import type { EngineMemory, Reply, Request } from './protocol';
import { DecoderSession } from './session';
import { TokenBatcher } from './tokenBatcher';

if (!process.send) throw new Error('the engine process must be started with an IPC channel (child_process.fork)');
const send = process.send.bind(process);

let session: DecoderSession | undefined;
const generators = new Map<number, GeneratorState>();
/** requests queued or running: a cancel for one that already finished is dropped, not kept forever */
const active = new Set<number>();
const cancelled = new Set<number>();
let queue = Promise.resolve();

process.on('message', (msg: { id: number; req: Request }) => {
  if (msg.req.op === 'cancel') {
    if (active.has(msg.req.target)) cancelled.add(msg.req.target);
    return;
  }
  if (msg.id) active.add(msg.id);
  queue = queue.then(() => handle(msg.id, msg.req));
});
// the caller went away (exited or crashed): nothing is left to serve
process.on('disconnect', () => process.exit(0));

async function handle(id: number, req: Request): Promise<void> {
  try {
    post({ id, ok: true, value: await dispatch(id, req) });
  } catch (e) {
    post({ id, ok: false, error: (e as Error).message ?? String(e) });
  } finally {
    active.delete(id);
    cancelled.delete(id);
  }
}

function post(reply: Reply): void {
  if (process.connected) send(reply);
}

/** With --expose-gc: two full collections a moment apart, so buffers freed by the first are swept by the time of reading. */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
}

function residentSplit(): Pick<EngineMemory, 'rssAnon' | 'rssFile'> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024 || undefined;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch {
    return {};
  }
}

function state(gen: number): GeneratorState {
  const s = generators.get(gen);
  if (!s) throw new Error(`generator ${gen} was disposed`);
  return s;
}

function loaded(): DecoderSession {
  if (!session) throw new Error('no model is loaded in this engine process');
  return session;
}

async function dispatch(id: number, req: Request): Promise<unknown> {
  switch (req.op) {
    case 'load':
      session = await DecoderSession.create(req.load);
      return session.info;
    case 'create': {
      // tests of the self-test's fallback make this engine die the way a broken GPU driver would
      if (req.options.selfTest && process.env.SPLITREASON_ENGINE_FAULT === 'self-test') process.kill(process.pid, 'SIGSEGV');
      const s = loaded();
      const { numLayers, kvHeads, headDim } = s.load;
      const cache = new KvCache(numLayers, kvHeads, headDim, s.info.kvType, s.rewindStrategy);
      generators.set(req.gen, new GeneratorState(s, cache, req.options));
      return undefined;
    }
    case 'append':
      return state(req.gen).append(req.ids, req.logits);
    case 'next':
      return state(req.gen).next(req.sampler);
    case 'probe':
      return state(req.gen).probe(req.ids, req.close, req.spellings);
    case 'logits':
      return state(req.gen).lastLogits();
    case 'generate': {
      const s = state(req.gen);
      const stop = new Set(req.stop);
      const sampler = createSampler(req.sampler); // each call starts its seed afresh
      const out = new TokenBatcher((tokens) => post({ id, tokens }));
      try {
        for (let n = 0; n < req.maxTokens; n++) {
          if (cancelled.has(id)) return 'cancelled';
          const token = s.sample(sampler);
          out.push(token);
          await s.appendSampled(token);
          if (stop.has(token)) return 'stop';
          await new Promise<void>((r) => setImmediate(r)); // lets a cancel message in
        }
        return 'length';
      } finally {
        out.flush(); // every token goes out before the reply that ends the call
      }
    }
    case 'rewind':
      state(req.gen).rewind(req.length);
      return undefined;
    case 'free':
      generators.get(req.gen)?.dispose();
      generators.delete(req.gen);
      return undefined;
    case 'unload':
      for (const g of generators.values()) g.dispose();
      generators.clear();
      await session?.release();
      session = undefined;
      return undefined;
    case 'memory': {
      await collectGarbage();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      const maxRss = process.resourceUsage().maxRSS * 1024; // kilobytes
      return { rss, maxRss, ...residentSplit(), heapUsed, heapTotal, external, arrayBuffers } satisfies EngineMemory;
    }
    case 'cancel':
      return undefined;
  }
}
