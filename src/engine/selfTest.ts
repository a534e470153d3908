/**
 * `device: auto`'s self-test: the first time a GPU provider is met on a machine, a few steps of
 * the freshly loaded model (prefill, sampling, a rewind and the same token again) must run and
 * agree with themselves before it is trusted; a provider that fails (or crashes its engine) is
 * recorded and skipped from then on. The record is a small JSON file per machine.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EngineProcess } from './engineProcess';
import type { Provider } from './executionProviders';
import type { AppendResult } from './process/protocol';

/** A generator id no LocalModel hands out (they count up from 1). */
const SELF_TEST_GEN = 0;
const PROMPT = [1, 2, 3, 4, 5, 6];
/** GPU kernels sum in another order than the same kernels a step earlier only by rounding */
const TOLERANCE = 1e-3;
/**
 * Bumped when the engine changes how it drives a provider, so a verdict recorded by an older engine
 * is not trusted (2: WebGPU sessions fetch every output, after onnxruntime-node's stale bindings
 * failed revision 1's self-test).
 */
const ENGINE_REVISION = 2;

/** Undefined when the provider passed; else why it failed. A crash of the engine rejects instead. */
export async function runSelfTest(engine: EngineProcess): Promise<string | undefined> {
  await engine.request({ op: 'create', gen: SELF_TEST_GEN, options: { selfTest: true } });
  try {
    const first = (await engine.request<AppendResult>({ op: 'append', gen: SELF_TEST_GEN, ids: PROMPT, logits: 'last' })).logits!;
    if (!first.every(Number.isFinite)) return 'its logits are not finite';
    for (let i = 0; i < 3; i++) await engine.request({ op: 'next', gen: SELF_TEST_GEN, sampler: {} });
    await engine.request({ op: 'rewind', gen: SELF_TEST_GEN, length: PROMPT.length - 1 });
    const again = (await engine.request<AppendResult>({ op: 'append', gen: SELF_TEST_GEN, ids: PROMPT.slice(-1), logits: 'last' })).logits!;
    let diff = 0;
    for (let i = 0; i < first.length; i++) diff = Math.max(diff, Math.abs(first[i] - again[i]));
    return diff <= TOLERANCE ? undefined : `after a rewind the same token gave logits ${diff.toExponential(2)} apart`;
  } finally {
    engine.send({ op: 'free', gen: SELF_TEST_GEN });
  }
}

interface Entry {
  ok: boolean;
  reason?: string;
  at: string;
}

/** What the self-test found, per provider and onnxruntime version, on this machine. */
export class SelfTestRecord {
  constructor(readonly file: string = defaultRecordFile()) {}

  failed(): Provider[] {
    return Object.entries(this.read()).flatMap(([key, e]) => (!e.ok && key.endsWith(this.suffix) ? [key.slice(0, -this.suffix.length) as Provider] : []));
  }

  passed(provider: Provider): boolean {
    return this.read()[provider + this.suffix]?.ok === true;
  }

  note(provider: Provider, reason: string | undefined): void {
    const all = this.read();
    all[provider + this.suffix] = { ok: reason === undefined, ...(reason ? { reason } : {}), at: new Date().toISOString() };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2));
    renameSync(tmp, this.file);
  }

  private get suffix(): string {
    return ` onnxruntime-node ${ortVersion()}, engine ${ENGINE_REVISION}`;
  }

  private read(): Record<string, Entry> {
    try {
      return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Entry>) : {};
    } catch {
      return {}; // a broken record only means the self-tests run again
    }
  }
}

function defaultRecordFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'splitreason', 'provider-self-test.json');
}

function ortVersion(): string {
  try {
    return (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
