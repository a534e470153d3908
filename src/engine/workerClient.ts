/**
 * The caller's side of the engine worker: numbered requests, streamed tokens, and a clear
 * failure for every pending call if the worker dies (a broken model never takes the host down).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Reply, Request } from './worker/protocol';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onToken?: (token: number) => void;
  settled: Promise<unknown>;
}

/**
 * Bundled: dist/engineWorker.js beside the bundle. From source (tests, tsx): worker/main.ts,
 * started through tsx's CommonJS hook because workers do not inherit `--import tsx`.
 */
function startWorker(): Worker {
  const bundled = join(__dirname, 'engineWorker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  const source = join(__dirname, 'worker', 'main.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}

export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead?: Error;
  private closing = false;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (r: Reply) => this.receive(r));
    this.worker.on('error', (e) => this.fail(new Error(`engine worker crashed: ${e.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`engine worker exited (code ${code})`)));
  }

  call<T>(req: Request, onToken?: (token: number) => void): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    let entry: Pending | undefined;
    const done = new Promise<T>((resolve, reject) => {
      if (this.dead || (this.closing && req.op !== 'unload')) return reject(this.dead ?? new Error('the model was disposed'));
      entry = { resolve: resolve as (v: unknown) => void, reject, onToken, settled: Promise.resolve() };
      this.pending.set(id, entry);
      this.worker.postMessage({ id, req });
    });
    if (entry) entry.settled = done.catch(() => undefined);
    return { id, done };
  }

  request<T>(req: Request): Promise<T> {
    return this.call<T>(req).done;
  }

  /** Fire-and-forget; ordering with later requests is kept by the worker's queue. */
  send(req: Request): void {
    if (!this.dead) this.worker.postMessage({ id: 0, req });
  }

  /**
   * Stops the worker once it is idle: killing it inside onnxruntime's run() aborts the whole
   * process, so running generations are cancelled and in-flight calls are awaited first.
   */
  async terminate(): Promise<void> {
    const inFlight = [...this.pending.entries()];
    this.closing = true;
    for (const [id] of inFlight) this.worker.postMessage({ id: 0, req: { op: 'cancel', target: id } });
    await Promise.allSettled(inFlight.map(([, p]) => p.settled));
    // the worker releases its session (and a GPU provider's memory) itself, not thread teardown
    if (!this.dead) await this.request({ op: 'unload' }).catch(() => undefined);
    this.fail(new Error('the model was disposed'));
    await this.worker.terminate();
  }

  private receive(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if ('token' in r) return p.onToken?.(r.token);
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.error));
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
