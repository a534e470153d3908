/** `splitreason generate`: stream a continuation from a local model folder. */
import { parseArgs } from 'node:util';
import { DEVICES, LocalModel, type SamplerSpec } from '../engine';
import { intArg, numArg, oneOf, UsageError } from './args';

export const GENERATE_HELP = `usage: splitreason generate --model DIR --prompt TEXT [--raw] [--max-tokens N]
                            [--greedy | --temperature T --top-p P --top-k K --seed S]
                            [--device auto|cpu|cuda|dml|coreml|webgpu] [--dtype fp32|fp16|q4|...] [--threads N] [--json]
  --raw    feed TEXT as is (no chat template, no special tokens added)
  --json   print only one JSON object at the end: ids, text, device, promptTokens, generatedTokens, msPerToken`;

export async function generateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      raw: { type: 'boolean' },
      'max-tokens': { type: 'string' },
      greedy: { type: 'boolean' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
      device: { type: 'string' },
      dtype: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(GENERATE_HELP);
    return 0;
  }
  if (!values.model || values.prompt === undefined) throw new UsageError(`generate needs --model DIR and --prompt TEXT\n${GENERATE_HELP}`);
  const sampler: SamplerSpec = values.greedy
    ? {}
    : {
        temperature: numArg(values.temperature, 'temperature', 0, 0, 100),
        topP: numArg(values['top-p'], 'top-p', undefined, 0, 1),
        topK: values['top-k'] === undefined ? undefined : intArg(values['top-k'], 'top-k', 0),
        seed: values.seed === undefined ? undefined : intArg(values.seed, 'seed', 0),
      };
  const maxTokens = intArg(values['max-tokens'], 'max-tokens', 128, 1);
  const device = oneOf(values.device, 'device', DEVICES, 'auto');
  const model = await LocalModel.load(values.model, {
    device,
    dtype: values.dtype as never,
    threads: values.threads === undefined ? undefined : intArg(values.threads, 'threads', 1, 1),
    log: (m) => console.error(m),
  });
  try {
    const tok = model.tokenizer;
    const text = values.raw ? values.prompt : tok.hasChatTemplate ? tok.applyChatTemplate([{ role: 'user', content: values.prompt }]) : values.prompt;
    const prompt = tok.encode(text);
    if (prompt.length === 0) throw new UsageError('the prompt encodes to no tokens: give some text');
    const gen = await model.generator();
    await gen.append(prompt, { logits: 'none' });
    const decoder = tok.streamDecoder();
    const ids: number[] = [];
    const t0 = performance.now();
    for await (const id of gen.generate({ sampler, maxTokens, stopTokenIds: tok.eosTokenIds })) {
      ids.push(id);
      if (!values.json) process.stdout.write(decoder.push(id));
    }
    const ms = performance.now() - t0;
    if (values.json) {
      const out = {
        ids,
        text: tok.decode(ids),
        device: model.device,
        promptTokens: prompt.length,
        generatedTokens: ids.length,
        msPerToken: ids.length ? ms / ids.length : 0,
      };
      process.stdout.write(JSON.stringify(out) + '\n');
    } else {
      process.stdout.write(decoder.flush() + '\n');
      console.error(`${ids.length} tokens, ${(ms / Math.max(ids.length, 1)).toFixed(1)} ms/token on ${model.device}`);
    }
    return 0;
  } finally {
    await model.dispose();
  }
}
