/**
 * The checkpoint converter as a child process (see convertChild.ts): what "Import Hugging Face
 * Model…" and catalog checkpoints use, so minutes of CPU work never block the extension host.
 * A structured IPC channel (progress as data, cancel as a message) rather than parsing the CLI's
 * progress bar. Pure Node (no 'vscode').
 */
import { fork } from 'node:child_process';
import type { ConvertDtype } from '../convert';
import type { ChildMessage, ConvertRequest } from './convertChild';
import type { CheckpointConverter, ConvertStatus } from './install';

export interface ConvertProcessOptions {
  /** dist/convertChild.js in the extension; the .ts source with `--import tsx` in tests */
  script: string;
  execArgv?: string[];
  log?: (message: string) => void;
}

export class ConvertCancelled extends Error {
  override readonly name = 'ConvertCancelled';
}

const MB = 1024 * 1024;

export function describeProgress(p: Extract<ChildMessage, { progress: unknown }>['progress'], started: number): ConvertStatus {
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : null;
  const elapsed = (Date.now() - started) / 1000;
  const eta = fraction && fraction > 0.02 && fraction < 1 ? ` · ETA ${Math.ceil((elapsed * (1 - fraction)) / fraction)} s` : '';
  const what =
    p.stage === 'plan' ? 'planning' : p.stage === 'files' ? 'writing files' : p.stage === 'done' ? 'done' : `tensor ${p.tensorsDone}/${p.tensorsTotal}`;
  return { fraction, message: `${what} · ${(p.bytesDone / MB).toFixed(0)}/${(p.bytesTotal / MB).toFixed(0)} MB${eta}` };
}

/** A CheckpointConverter that forks `script` for each conversion. */
export function childProcessConverter(o: ConvertProcessOptions): CheckpointConverter {
  return (hfDir, outDir, dtype, { signal, onProgress } = {}) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new ConvertCancelled('conversion cancelled; nothing was written.'));
      const started = Date.now();
      // In VS Code process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.
      const child = fork(o.script, [], {
        execArgv: o.execArgv ?? [],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      let outcome: ChildMessage | undefined;
      let killer: NodeJS.Timeout | undefined;
      const cancel = () => {
        child.send({ abort: true });
        // the converter checks between tensors; a stuck child is killed after a grace period
        killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      };
      signal?.addEventListener('abort', cancel, { once: true });
      child.on('message', (m: ChildMessage) => {
        if ('progress' in m) onProgress?.(describeProgress(m.progress, started));
        else outcome = m;
      });
      child.on('error', (e) => {
        signal?.removeEventListener('abort', cancel);
        reject(new Error(`cannot start the converter (${o.script}): ${e.message}`));
      });
      child.on('exit', (code, sig) => {
        clearTimeout(killer);
        signal?.removeEventListener('abort', cancel);
        if (outcome && 'done' in outcome) {
          o.log?.(`converted ${hfDir} to ${dtype} in ${outcome.done.seconds.toFixed(1)} s`);
          return resolve();
        }
        if (signal?.aborted) return reject(new ConvertCancelled('conversion cancelled; nothing was written.'));
        if (outcome && 'error' in outcome) return reject(new Error(outcome.error));
        const how = sig ? `signal ${sig}` : `exit code ${code}`;
        const lastLines = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : '';
        reject(new Error(`the converter stopped (${how}) before finishing${lastLines}`));
      });
      child.send({ hfDir, outDir, dtype: dtype as ConvertDtype } satisfies ConvertRequest);
    });
}
