/**
 * A real node:http server that speaks the OpenAI streaming format and misbehaves on
 * request. Its "model" continues a fixed document: given a prompt that is `base` plus the
 * first k words of `doc`, it streams the remaining words one per SSE event. So a client
 * that resumes correctly after a fault ends with exactly `doc`, and each request's prompt
 * shows what the client believed it had already received.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'ok' }
  | { kind: 'reset'; afterChunks: number } // TCP reset mid-stream
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  | { kind: 'stall'; afterChunks: number } // stop sending, keep the socket open
  | { kind: 'malformed'; afterChunks: number } // a data line that is not JSON
  | { kind: 'noDone'; afterChunks: number } // end the response cleanly, but early: no finish_reason, no [DONE]
  | { kind: 'json' }; // ignore stream:true and answer with one JSON body

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The text the server was asked to continue (prompt, or the chat text it found). */
  text: string;
  /** Set when the client went away before the response ended. */
  aborted: boolean;
}

export interface FaultServer {
  url: string;
  requests: RecordedRequest[];
  /** Faults for the next requests, in order; later requests are answered 'ok'. */
  faults: Fault[];
  close(): Promise<void>;
}

export interface FaultServerOptions {
  base: string;
  doc: string;
  faults?: Fault[];
  /** Answer 400 to any request that carries stream_options, as servers predating it do. */
  rejectStreamOptions?: boolean;
}

/** The words of the document, each with its leading whitespace: one per streamed event. */
export function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** For chat requests: the assistant prefix when there is one, else the reasoning in the user message. */
function chatText(body: Record<string, unknown>): string {
  const messages = (body.messages as { role: string; content: string }[]) ?? [];
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') return last.content;
  const user = last?.content ?? '';
  const marker = 'Reasoning so far:\n';
  const at = user.indexOf(marker);
  return at >= 0 ? user.slice(at + marker.length) : user;
}

/** Runs `use` with a fault server started for it, and closes the server however `use` ends. */
export async function withFaultServer<T>(opts: FaultServerOptions, use: (server: FaultServer) => Promise<T>): Promise<T> {
  const server = await startFaultServer(opts);
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

export async function startFaultServer(opts: FaultServerOptions): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  const state: FaultServer = { url: '', requests, faults: [...(opts.faults ?? [])], close: async () => undefined };

  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const piece of req) raw += piece;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const isChat = req.url === '/v1/chat/completions';
    const text = isChat ? chatText(body) : String(body.prompt ?? '');
    const rec: RecordedRequest = { path: req.url ?? '', headers: req.headers, body, text, aborted: false };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    const fault = state.faults.shift() ?? { kind: 'ok' };

    const error = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ error: { message, type: 'test_error', param: null, code: null } }));
    };
    if (fault.kind === 'status') return error(fault.status, fault.message ?? `fault ${fault.status}`, fault.headers);
    if (opts.rejectStreamOptions && body.stream_options !== undefined) {
      return error(400, 'Unrecognized request argument supplied: stream_options');
    }
    const base = opts.base;
    if (!text.startsWith(base) || !opts.doc.startsWith(text.slice(base.length))) {
      return error(400, `prompt does not continue the document: ${JSON.stringify(text)}`);
    }
    const maxTokens = Number(body.max_tokens ?? 16);
    const rest = words(opts.doc.slice(text.length - base.length));
    const out = rest.slice(0, maxTokens);
    const finish = out.length < rest.length ? 'length' : 'stop';
    const created = Math.floor(Date.now() / 1000);
    const event = (piece: string, finishReason: string | null) =>
      isChat
        ? {
            id: 'c',
            object: 'chat.completion.chunk',
            created,
            model: body.model,
            choices: [{ index: 0, delta: { content: piece }, finish_reason: finishReason }],
          }
        : { id: 'c', object: 'text_completion', created, model: body.model, choices: [{ index: 0, text: piece, finish_reason: finishReason }] };

    if (fault.kind === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const choice = isChat
        ? { index: 0, message: { role: 'assistant', content: out.join('') }, finish_reason: finish }
        : { index: 0, text: out.join(''), finish_reason: finish };
      res.end(JSON.stringify({ id: 'c', object: isChat ? 'chat.completion' : 'text_completion', created, model: body.model, choices: [choice] }));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    const cut = 'afterChunks' in fault ? fault.afterChunks : Infinity;
    for (let i = 0; i < out.length; i++) {
      if (i === cut) break;
      send(event(out[i], null));
    }
    if (cut < out.length) {
      // Give the client a moment to read what was sent, so the fault comes after those pieces.
      await pause(30);
      if (fault.kind === 'reset') return void res.socket?.resetAndDestroy();
      if (fault.kind === 'stall') return; // the client's idle limit must end this
      if (fault.kind === 'malformed') {
        res.write('data: {"choices": [{"text": "unterminated\n\n');
        return void res.end();
      }
      if (fault.kind === 'noDone') return void res.end();
    }
    send(event('', finish));
    const so = body.stream_options as { include_usage?: boolean } | undefined;
    if (so?.include_usage) {
      send({
        id: 'c',
        object: 'text_completion',
        created,
        model: body.model,
        choices: [],
        usage: { prompt_tokens: words(text).length, completion_tokens: out.length, total_tokens: words(text).length + out.length },
      });
    }
    send('[DONE]');
    res.end();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
