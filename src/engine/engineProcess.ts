/**
 * The caller's side of the engine process: numbered requests over an IPC channel, streamed
 * tokens, and a clear failure for every pending call when the process dies. A native crash in
 * onnxruntime ends that process only; the caller (the CLI, the server, VS Code's extension host)
 * keeps running and can start a fresh one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ortLibraryEnv } from './executionProviders';
import type { Op, Reply, Request } from './process/protocol';

interface Pending {
  op: Op;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onToken?: (token: number) => void;
  settled: Promise<unknown>;
}

/** What a user reads when the engine died during a request, by the request that was running. */
const DOING: Record<Op, string> = {
  load: 'loading the model',
  create: 'starting a generation',
  append: 'reading the prompt',
  next: 'generating',
  generate: 'generating',
  probe: 'reading the large model’s text',
  logits: 'reading logits',
  rewind: 'rewinding',
  free: 'freeing a generation',
  unload: 'unloading the model',
  memory: 'reading its memory use',
  cancel: 'cancelling',
};

export class EngineCrashed extends Error {}

/**
 * Bundled: dist/engineProcess.js beside the bundle, run by this very binary (in VS Code the
 * Electron binary, which ELECTRON_RUN_AS_NODE turns into plain Node, as language servers are
 * started). From source (tests, tsx): process/main.ts through tsx. The child's argv stays
 * short whatever the caller's is (onnxruntime-node 1.30 crashes on a long argv in a worker).
 */
function startProcess(ortLibraryDir?: string): ChildProcess {
  const bundled = process.env[ENGINE_SCRIPT_ENV] || join(__dirname, 'engineProcess.js');
  const script = existsSync(bundled) ? bundled : join(__dirname, 'process', 'main.ts');
  return fork(script, [], {
    execPath: process.execPath,
    execArgv: [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...debugExecArgv()],
    // the loader path is read once at process start: a CUDA-enabled onnxruntime is chosen here
    env: { ...(ortLibraryDir ? ortLibraryEnv(ortLibraryDir) : process.env), ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

/**
 * A built engine script to run instead (the benchmarks point it at dist/engineProcess.js, which
 * is what users run: from source, tsx compiling the engine adds about a second to every start).
 */
export const ENGINE_SCRIPT_ENV = 'SPLITREASON_ENGINE_SCRIPT';

/**
 * Node flags for the engine process only, for profiling and leak hunts (bench/soak.ts, the
 * per-token profile): e.g. `--cpu-prof --cpu-prof-dir=/tmp/p` or `--heapsnapshot-signal=SIGUSR2`.
 */
function debugExecArgv(): string[] {
  return (process.env.SPLITREASON_ENGINE_EXEC_ARGV ?? '').split(' ').filter(Boolean);
}

/** The last lines a dying process wrote to stderr (an abort's message, an out-of-memory note). */
const STDERR_TAIL = 2000;

export class EngineProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead?: Error;
  private closing = false;
  private stderr = '';

  constructor(ortLibraryDir?: string) {
    this.child = startProcess(ortLibraryDir);
    this.child.on('message', (r: Reply) => this.receive(r));
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString('utf8')).slice(-STDERR_TAIL)));
    this.child.on('error', (e) => this.fail(new EngineCrashed(`the model engine could not run: ${e.message}`)));
    this.child.on('exit', (code, signal) => this.fail(this.closing ? new Error('the model was disposed') : this.crashError(code, signal)));
    this.holdCaller(false);
  }

  /**
   * An idle engine does not keep its caller alive (as an idle worker thread would not): a CLI
   * that forgot dispose() still exits, and the engine then ends on its own when the channel closes.
   */
  private holdCaller(hold: boolean): void {
    // the stderr pipe is a socket of its own, which would hold the caller too
    const stderr = this.child.stderr as (NodeJS.ReadableStream & { ref?(): void; unref?(): void }) | null;
    if (hold) {
      this.child.ref();
      this.child.channel?.ref();
      stderr?.ref?.();
    } else {
      this.child.unref();
      this.child.channel?.unref();
      stderr?.unref?.();
    }
  }

  /** The engine's process id (tests send it signals; logs name it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.dead;
  }

  call<T>(req: Request, onToken?: (token: number) => void): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    let entry: Pending | undefined;
    const done = new Promise<T>((resolve, reject) => {
      if (this.dead || (this.closing && req.op !== 'unload')) return reject(this.dead ?? new Error('the model was disposed'));
      entry = { op: req.op, resolve: resolve as (v: unknown) => void, reject, onToken, settled: Promise.resolve() };
      if (this.pending.size === 0) this.holdCaller(true);
      this.pending.set(id, entry);
      this.child.send({ id, req });
    });
    if (entry) entry.settled = done.catch(() => undefined);
    return { id, done };
  }

  request<T>(req: Request): Promise<T> {
    return this.call<T>(req).done;
  }

  /** Fire-and-forget; ordering with later requests is kept by the engine's queue. */
  send(req: Request): void {
    if (!this.dead && this.child.connected) this.child.send({ id: 0, req });
  }

  /** Cancels running generations, lets the engine release its session, then ends the process. */
  async terminate(): Promise<void> {
    const inFlight = [...this.pending.entries()];
    this.closing = true;
    for (const [id] of inFlight) this.send({ op: 'cancel', target: id });
    await Promise.allSettled(inFlight.map(([, p]) => p.settled));
    // the engine releases its session (and a GPU provider's memory) itself before it exits
    if (!this.dead) await this.request({ op: 'unload' }).catch(() => undefined);
    const exited = new Promise<void>((r) => (this.child.exitCode !== null || this.child.signalCode !== null ? r() : this.child.once('exit', () => r())));
    if (this.child.connected) this.child.disconnect();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    this.fail(new Error('the model was disposed'));
  }

  private crashError(code: number | null, signal: NodeJS.Signals | null): EngineCrashed {
    const running = [...this.pending.values()][0];
    const how = signal ?? `exit code ${code}`;
    const while_ = running ? ` while ${DOING[running.op]}` : '';
    const detail = this.stderr.trim().split('\n').filter(Boolean).pop();
    return new EngineCrashed(`the model engine crashed (${how})${while_}; it will restart on the next solve${detail ? ` [${detail.slice(0, 300)}]` : ''}`);
  }

  private receive(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if ('tokens' in r) {
      for (const t of r.tokens) p.onToken?.(t);
      return;
    }
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.holdCaller(false);
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.error));
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
    this.holdCaller(false);
  }
}
