/**
 * An OpenAI-compatible HTTP server over a local model (plain node:http): /v1/models,
 * /v1/completions, /v1/chat/completions. Loopback by default; optional bearer key; one
 * generation at a time per generator, queued first come first served.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { LocalModel } from '../engine';
import { HttpError, internalError } from './errors';
import { chatPromptText } from './chatPrompt';
import { GeneratorPool } from './generatorPool';
import { DEFAULT_BODY_LIMIT, readJsonBody, sendError, sendJson } from './http';
import { chatParams, commonParams, completionPrompt } from './requestParams';
import { respond, type Job, type JobSummary } from './respond';

export interface ServerOptions {
  model: LocalModel;
  host?: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The name clients use; default: the model folder's name. */
  modelName?: string;
  /** Generations run at once (each has its own KV cache). Default 1. */
  concurrency?: number;
  /** Requests allowed to wait; more are answered 429. Default 64. */
  maxQueue?: number;
  maxBodyBytes?: number;
  /** One line per request, and server errors. */
  log?: (line: string) => void;
  /** Called when a generation request ends, answered or aborted. */
  onGeneration?: (summary: JobSummary & { ms: number }) => void;
}

export interface RunningServer {
  url: string;
  modelName: string;
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { model } = opts;
  const modelName = opts.modelName ?? basename(model.dir);
  const limit = opts.maxBodyBytes ?? DEFAULT_BODY_LIMIT;
  const pool = new GeneratorPool(model, Math.max(1, opts.concurrency ?? 1), opts.maxQueue ?? 64);
  /** Running generations: close() aborts them and waits until the engine has stopped. */
  const inFlight = new Map<AbortController, Promise<unknown>>();
  const created = Math.floor(Date.now() / 1000);
  const modelCard = { id: modelName, object: 'model', created, owned_by: 'splitreason', max_model_len: model.config.max_position_embeddings };

  function authorize(req: IncomingMessage): void {
    if (!opts.apiKey) return;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m || !sameSecret(m[1].trim(), opts.apiKey)) {
      throw new HttpError(401, 'missing or wrong API key: send Authorization: Bearer <key>', 'invalid_request_error', null, 'invalid_api_key');
    }
  }

  function checkModel(name: string): void {
    if (name !== modelName)
      throw new HttpError(404, `the model '${name}' does not exist: this server serves '${modelName}'`, 'invalid_request_error', 'model', 'model_not_found');
  }

  async function generation(req: IncomingMessage, res: ServerResponse, endpoint: Job['endpoint']): Promise<void> {
    const body = await readJsonBody(req, limit);
    const params = commonParams(body, endpoint === 'chat' ? ['max_tokens', 'max_completion_tokens'] : ['max_tokens']);
    let promptIds: number[];
    if (endpoint === 'chat') {
      const text = chatPromptText(model.tokenizer, chatParams(body));
      checkModel(params.model);
      promptIds = model.tokenizer.encode(text);
    } else {
      const prompt = completionPrompt(body);
      checkModel(params.model);
      if (typeof prompt === 'string') promptIds = model.tokenizer.encode(prompt);
      else {
        const bad = prompt.find((t) => t >= model.config.vocab_size);
        if (bad !== undefined)
          throw new HttpError(400, `token id ${bad} is outside the vocabulary (size ${model.config.vocab_size})`, 'invalid_request_error', 'prompt');
        promptIds = prompt;
      }
    }
    const ac = new AbortController();
    let finished!: () => void;
    inFlight.set(ac, new Promise<void>((r) => (finished = r)));
    // A client that goes away (closed tab, cancelled request) stops its generation.
    const onClose = () => {
      if (!res.writableFinished) ac.abort(new Error('client disconnected'));
    };
    res.on('close', onClose);
    const start = Date.now();
    try {
      const summary = await respond(model, pool, { endpoint, promptIds, params, modelName: params.model }, res, ac.signal);
      const ms = Date.now() - start;
      opts.log?.(`${req.method} ${req.url} ${summary.finishReason} prompt=${summary.promptTokens} completion=${summary.completionTokens} ${ms} ms`);
      opts.onGeneration?.({ ...summary, ms });
    } catch (e) {
      if (ac.signal.aborted) return; // nobody to tell
      throw e;
    } finally {
      res.off('close', onClose);
      inFlight.delete(ac);
      finished();
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const allow = (m: string) => {
      if (method !== m)
        throw new HttpError(405, `${method} is not allowed on ${path}: use ${m}`, 'invalid_request_error', null, 'method_not_allowed', { allow: m });
    };
    if (path === '/health') {
      allow('GET');
      return sendJson(res, 200, { status: 'ok' });
    }
    if (path.startsWith('/v1/')) authorize(req);
    if (path === '/v1/models') {
      allow('GET');
      return sendJson(res, 200, { object: 'list', data: [modelCard] });
    }
    if (path.startsWith('/v1/models/')) {
      allow('GET');
      const name = decodeURIComponent(path.slice('/v1/models/'.length));
      checkModel(name);
      return sendJson(res, 200, modelCard);
    }
    if (path === '/v1/completions') {
      allow('POST');
      return generation(req, res, 'completion');
    }
    if (path === '/v1/chat/completions') {
      allow('POST');
      return generation(req, res, 'chat');
    }
    throw new HttpError(
      404,
      `no such endpoint: ${method} ${path} (this server has /v1/models, /v1/completions, /v1/chat/completions)`,
      'invalid_request_error',
      null,
      'unknown_url',
    );
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      const err = e instanceof HttpError ? e : internalError(e);
      if (err.status >= 500) opts.log?.(`${req.method} ${req.url}: ${err.message}`);
      sendError(res, err);
      // Unread body (e.g. after 413): let the client finish sending; the connection closes after.
      req.resume();
    });
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    modelName,
    // Resolves once no generation is running, so the caller may dispose the model right after.
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const ac of inFlight.keys()) ac.abort(new Error('server closing'));
      await Promise.all(inFlight.values());
      pool.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
