/**
 * A byte-level BPE tokenizer.json with no merges (one token per byte) plus DeepSeek-R1-style
 * special tokens, and a tokenizer_config.json whose chat template renders docs/ARCHITECTURE.md §4's
 * prompt shape. Byte-level on purpose: multi-byte characters span several tokens, which is
 * what streaming detokenization must handle for real vocabularies.
 */
export const SPECIAL_TOKENS = [
  '<｜begin▁of▁sentence｜>',
  '<｜end▁of▁sentence｜>',
  '<｜User｜>',
  '<｜Assistant｜>',
  '<think>',
  '</think>',
  '<bigmodel>',
  '</bigmodel>',
  '<｜▁pad▁｜>',
] as const;

export const BOS = SPECIAL_TOKENS[0];
export const EOS = SPECIAL_TOKENS[1];

export const CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}<｜User｜>{{ message['content'] }}" +
  "{% elif message['role'] == 'assistant' %}<｜Assistant｜>{{ message['content'] }}<｜end▁of▁sentence｜>{% endif %}{% endfor %}" +
  '{% if add_generation_prompt %}<｜Assistant｜><think>\n{% endif %}';

/** GPT-2's reversible byte → printable character map used by ByteLevel tokenizers. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  return map;
}

export function byteLevelTokenizerJson(): object {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((ch, id) => (vocab[ch] = id));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, i) => ({
      id: 256 + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

export function tokenizerConfigJson(): object {
  return {
    bos_token: BOS,
    eos_token: EOS,
    pad_token: SPECIAL_TOKENS[8],
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 4096,
    tokenizer_class: 'PreTrainedTokenizerFast',
    chat_template: CHAT_TEMPLATE,
  };
}

export const BYTE_LEVEL_VOCAB = 256 + SPECIAL_TOKENS.length;
