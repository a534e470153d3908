/**
 * Runs one checkpoint conversion in a child process (bundled as dist/convertChild.js): the
 * conversion is CPU-heavy for minutes and would stall the extension host's event loop. Pure Node.
 * Protocol over the IPC channel: the parent sends one ConvertRequest, then may send {abort: true};
 * the child sends {progress} messages and ends with {done} or {error}, then exits.
 */
import { convertCheckpoint, ConvertError, type ConvertDtype, type ConvertProgress } from '../convert';
import { isQuantized } from '../convert/dtypes';

export interface ConvertRequest {
  hfDir: string;
  outDir: string;
  dtype: ConvertDtype;
}

export type ChildMessage = { progress: ConvertProgress } | { done: { seconds: number } } | { error: string; aborted: boolean };

function send(m: ChildMessage): Promise<void> {
  return new Promise((ok) => (process.send ? process.send(m, () => ok()) : ok()));
}

const abort = new AbortController();
process.on('message', (m: unknown) => {
  if (typeof m === 'object' && m !== null && 'abort' in m) abort.abort();
});
// the extension host went away: stop, and the converter removes its temp folder
process.on('disconnect', () => abort.abort());
process.once('message', async (m: unknown) => {
  if (typeof m !== 'object' || m === null || 'abort' in m) return;
  const req = m as ConvertRequest;
  let last = 0;
  try {
    const r = await convertCheckpoint(req.hfDir, req.outDir, {
      dtype: req.dtype,
      // an int4 head: at 1.5B the float head is a third of the bytes each token reads (README, benchmark)
      quantizeHead: isQuantized(req.dtype),
      signal: abort.signal,
      onProgress: (p) => {
        // a few messages a second are plenty for a progress bar
        const now = Date.now();
        if (now - last < 200 && p.stage === 'weights') return;
        last = now;
        void send({ progress: p });
      },
    });
    await send({ done: { seconds: r.seconds } });
    process.exit(0);
  } catch (e) {
    const message = e instanceof ConvertError ? e.message : e instanceof Error ? e.message : String(e);
    await send({ error: message, aborted: abort.signal.aborted });
    process.exit(1);
  }
});
