/**
 * The same solve through every kind of large-model back end: a local model in-process, and
 * the same model behind `serve` over real sockets (completions and chat APIs).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { LocalProvider, OpenAIChatProvider, OpenAICompletionsProvider, type BigModelProvider } from '../../src/providers';
import { startServer, type RunningServer } from '../../src/server';
import { solve, type TraceEvent } from '../../src/split';
import { CLOSE, EOS, OPEN, buildProgrammedModel, ch, chain } from '../helpers/programmedModel';

const smallDir = buildProgrammedModel({
  transitions: [[ch('\n'), ch('A')], ...chain('AB', OPEN), [OPEN, ch('q')], ...chain('q#', CLOSE), [CLOSE, ch('C')], ...chain('CD\\boxed{42}', EOS)],
  fallback: ch('Z'),
});
// continues "…AB" (and the chat API's "…reasoning so far" ending in AB) with "x=6*7#yyy…"
const bigDir = buildProgrammedModel({ transitions: [[ch('B'), ch('x')], ...chain('x=6*7#', ch('y'))], fallback: ch('y') });

let small: LocalModel;
let big: LocalModel;
let server: RunningServer;
before(async () => {
  small = await LocalModel.load(smallDir, { device: 'cpu' });
  big = await LocalModel.load(bigDir, { device: 'cpu' });
  server = await startServer({ model: big, host: '127.0.0.1', port: 0, modelName: 'toy-big' });
});
after(async () => {
  await server.close();
  await big.dispose();
  await small.dispose();
});

async function trace(provider: BigModelProvider): Promise<string[]> {
  const events: TraceEvent[] = [];
  for await (const e of solve({ problem: 'Compute $6 \\times 7$.', small, big: provider, policy: { kind: 'learned' } })) events.push(e);
  const source = new Map<number, string>();
  const parts: string[] = [];
  for (const e of events) {
    if (e.type === 'segment') source.set(e.id, e.source);
    if (e.type === 'text') parts.push(`${source.get(e.id)}:${e.text}`);
    if (e.type === 'done') parts.push(`answer:${e.answer}`);
  }
  // merge consecutive pieces of the same source: chunking differs between back ends
  return parts.reduce<string[]>((acc, p) => {
    const [src] = p.split(':');
    const prev = acc.at(-1);
    if (prev && prev.split(':')[0] === src && src !== 'answer') acc[acc.length - 1] = prev + p.slice(src.length + 1);
    else acc.push(p);
    return acc;
  }, []);
}

const expected = ['small:AB', 'big:x=6*7#', 'small:CD\\boxed{42}', 'answer:42'];

test('local provider (a second model in-process)', async () => {
  assert.deepEqual(await trace(new LocalProvider({ model: big })), expected);
});

test('serve over real sockets, completions API', async () => {
  assert.deepEqual(await trace(new OpenAICompletionsProvider({ baseUrl: `${server.url}/v1`, model: 'toy-big', timeoutMs: 5000 })), expected);
});

test('serve over real sockets, chat API with assistant-prefix continuation', async () => {
  assert.deepEqual(await trace(new OpenAIChatProvider({ baseUrl: `${server.url}/v1`, model: 'toy-big', timeoutMs: 5000, chatMode: 'continue' })), expected);
});
