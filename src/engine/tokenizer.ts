/**
 * The model's own tokenizer (tokenizer.json through @huggingface/tokenizers) and chat
 * template (tokenizer_config.json through @huggingface/jinja).
 */
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StreamDecoder } from './streamDecoder';
import { readJsonFile } from './jsonFile';
import type { ChatMessage } from './types';

type TokenSpec = string | { content: string } | null | undefined;
const tokenText = (t: TokenSpec) => (typeof t === 'string' ? t : t?.content);

export interface TokenizerConfig {
  chat_template?: string | { name: string; template: string }[];
  bos_token?: TokenSpec;
  eos_token?: TokenSpec;
  pad_token?: TokenSpec;
  unk_token?: TokenSpec;
  [key: string]: unknown;
}

export class TextTokenizer {
  private template?: Template;

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly config: TokenizerConfig,
    readonly eosTokenIds: number[],
  ) {}

  /** Reads tokenizer.json and tokenizer_config.json from a model folder; extra eos ids come from config files. */
  static load(dir: string, extraEos: (number | null | undefined)[] = []): TextTokenizer {
    const file = join(dir, 'tokenizer.json');
    if (!existsSync(file)) throw new Error(`${dir}: no tokenizer.json — a model folder needs the Hugging Face tokenizer file (see docs/ARCHITECTURE.md §2)`);
    const json = readJsonFile(file) as object;
    const configFile = join(dir, 'tokenizer_config.json');
    const config = (existsSync(configFile) ? readJsonFile(configFile) : {}) as TokenizerConfig;
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (e) {
      throw new Error(`${file}: cannot build a tokenizer from it (${(e as Error).message})`);
    }
    const eos = new Set<number>();
    for (const id of extraEos) if (typeof id === 'number') eos.add(id);
    const eosText = tokenText(config.eos_token);
    const eosId = eosText === undefined ? undefined : tokenizer.token_to_id(eosText);
    if (eosId !== undefined) eos.add(eosId);
    return new TextTokenizer(tokenizer, config, [...eos]);
  }

  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: opts.addSpecialTokens ?? false }).ids;
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false, clean_up_tokenization_spaces: false });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  get hasChatTemplate(): boolean {
    return this.templateSource() !== undefined;
  }

  /** Renders the prompt text; encode it without adding special tokens (the template has them). */
  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    if (!this.template) {
      const source = this.templateSource();
      if (source === undefined) throw new Error('this model has no chat_template in tokenizer_config.json; use a raw prompt instead');
      this.template = new Template(source);
    }
    return this.template.render({
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      bos_token: tokenText(this.config.bos_token) ?? '',
      eos_token: tokenText(this.config.eos_token) ?? '',
      pad_token: tokenText(this.config.pad_token) ?? '',
      unk_token: tokenText(this.config.unk_token) ?? '',
    });
  }

  /**
   * Empties the BPE model's word cache (@huggingface/tokenizers keeps up to 10,000 words). The
   * soak clears it before each reading, so a cache filling up is not mistaken for a leak.
   */
  clearCache(): void {
    (this.tokenizer as unknown as { model?: { clear_cache?: () => void } }).model?.clear_cache?.();
  }

  streamDecoder(opts: { skipSpecialTokens?: boolean } = {}): StreamDecoder {
    return new StreamDecoder((ids) => this.decode(ids, opts));
  }

  private templateSource(): string | undefined {
    const t = this.config.chat_template;
    if (Array.isArray(t)) return t.find((x) => x.name === 'default')?.template ?? t[0]?.template;
    return t;
  }
}
