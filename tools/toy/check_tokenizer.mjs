// Proves that the Python tokenizer used for training (tools/toy/tokenizer.py) and the two
// JavaScript tokenizers that read the committed tokenizer.json agree: same ids for every
// sample text, decode gives the text back, and the chat template renders the prompt the
// models were trained on.
// Usage: node tools/toy/check_tokenizer.mjs MODEL_DIR SAMPLES.jsonl
//   each sample: {"text": string, "ids": number[], "user"?: string, "prompt"?: string}
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { AutoTokenizer, env } from '@huggingface/transformers';

const [dirArg, samplesArg] = process.argv.slice(2);
if (!dirArg || !samplesArg) {
  console.error('usage: node tools/toy/check_tokenizer.mjs MODEL_DIR SAMPLES.jsonl');
  process.exit(2);
}
const dir = resolve(dirArg);
const tokenizerJson = JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8'));
const tokenizerConfig = JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8'));
const samples = readFileSync(samplesArg, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

const hf = new Tokenizer(tokenizerJson, tokenizerConfig);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = resolve(dir, '..');
const tjs = await AutoTokenizer.from_pretrained(dir.split('/').pop());
const template = new Template(tokenizerConfig.chat_template);

let failures = 0;
function fail(what, sample, got) {
  failures += 1;
  if (failures > 5) return;
  const lines = [
    `MISMATCH ${what}`,
    ` text: ${JSON.stringify(sample.text)}`,
    ` want: ${JSON.stringify(sample.ids ?? sample.prompt)}`,
    ` got:  ${JSON.stringify(got)}`,
  ];
  console.error(lines.join('\n'));
}
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

for (const s of samples) {
  const a = hf.encode(s.text, { add_special_tokens: false }).ids;
  if (!same(a, s.ids)) fail('@huggingface/tokenizers encode', s, a);
  const b = Array.from(tjs.encode(s.text, { add_special_tokens: false }));
  if (!same(b, s.ids)) fail('transformers.js encode', s, b);
  const da = hf.decode(s.ids, { skip_special_tokens: false });
  if (da !== s.text) fail('@huggingface/tokenizers decode', s, da);
  const db = tjs.decode(s.ids, { skip_special_tokens: false });
  if (db !== s.text) fail('transformers.js decode', s, db);
  if (s.user !== undefined) {
    const messages = [{ role: 'user', content: s.user }];
    const rendered = template.render({
      messages,
      add_generation_prompt: true,
      bos_token: tokenizerConfig.bos_token,
      eos_token: tokenizerConfig.eos_token,
    });
    if (rendered !== s.prompt) fail('jinja chat template', s, rendered);
    const viaTjs = tjs.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false });
    if (viaTjs !== s.prompt) fail('transformers.js chat template', s, viaTjs);
  }
}
console.log(`${samples.length} samples, ${failures} mismatches`);
process.exit(failures === 0 ? 0 : 1);
