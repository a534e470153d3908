/** `splitreason serve`: an OpenAI-compatible server for a local model folder. */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { DEVICES, LocalModel, type Dtype } from '../engine';
import { startServer } from '../server';
import { intArg, oneOf, UsageError } from './args';

export const SERVE_HELP = `usage: splitreason serve --model DIR [--host 127.0.0.1] [--port 8000] [--api-key KEY] [--name NAME]
                         [--device auto|cpu|cuda|dml|coreml|webgpu] [--dtype fp32|fp16|q4|...] [--threads N]
                         [--concurrency 1] [--max-queue 64] [--max-body-bytes 1048576] [--quiet]
Serves the model at http://HOST:PORT/v1 with the OpenAI API: GET /v1/models, POST /v1/completions,
POST /v1/chat/completions (streaming, stop, max_tokens, temperature, top_p, seed, usage).
  --host         interface to listen on; the default answers this machine only
  --port         0 picks a free port (printed at start)
  --api-key      require "Authorization: Bearer KEY" (or set SPLITREASON_API_KEY)
  --name         the model name clients send (default: the folder's name)
  --concurrency  generations at once, each with its own KV cache; others wait in line
  --quiet        no per-request log lines
Stop with Ctrl+C.`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ServeHooks {
  /** Ends the server (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  onListening?: (url: string) => void;
}

export async function serveCommand(args: string[], hooks: ServeHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string' },
      name: { type: 'string' },
      device: { type: 'string' },
      dtype: { type: 'string' },
      threads: { type: 'string' },
      concurrency: { type: 'string' },
      'max-queue': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError(`serve needs --model DIR\n${SERVE_HELP}`);
  const host = values.host ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) throw new UsageError(`--host must be an IP address or localhost, got '${host}'`);
  const port = intArg(values.port, 'port', 8000, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got '${values.port}'`);
  const apiKey = values['api-key'] ?? process.env.SPLITREASON_API_KEY;
  const device = oneOf(values.device, 'device', DEVICES, 'auto');
  const concurrency = intArg(values.concurrency, 'concurrency', 1, 1);
  const maxQueue = intArg(values['max-queue'], 'max-queue', 64, 0);
  const maxBodyBytes = intArg(values['max-body-bytes'], 'max-body-bytes', 1024 * 1024, 1024);
  const threads = values.threads === undefined ? undefined : intArg(values.threads, 'threads', 1, 1);

  const log = (line: string) => console.error(line);
  const model = await LocalModel.load(values.model, { device, dtype: values.dtype as Dtype | undefined, threads, log });
  try {
    const server = await startServer({
      model,
      host,
      port,
      apiKey,
      modelName: values.name,
      concurrency,
      maxQueue,
      maxBodyBytes,
      log: values.quiet ? undefined : log,
    });
    if (!LOOPBACK.has(host) && !apiKey) {
      log(`warning: listening on ${host} without --api-key: anyone who can reach this machine can use the model`);
    }
    log(`serving '${server.modelName}' at ${server.url}/v1 on ${model.device}${apiKey ? ' (API key required)' : ''}; Ctrl+C stops`);
    hooks.onListening?.(server.url);
    await stopRequested(hooks.signal);
    log('stopping');
    await server.close();
    return 0;
  } finally {
    await model.dispose();
  }
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  if (signal) return signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The same command under the name the issue uses. */
export const runServe = serveCommand;
