/**
 * A model folder loaded for generation (DESIGN.md §3). The tokenizer runs on the caller's
 * thread (cheap); the ONNX session and KV caches live in a worker thread.
 */
import { resolveModelFolder } from './modelFolder';
import { TextTokenizer } from './tokenizer';
import type { Device, LoadOptions, LogitsMode, ModelConfig, SamplerSpec } from './types';
import { WorkerClient } from './workerClient';
import type { LoadResult } from './worker/protocol';

export class LocalModel {
  private generators = 0;
  private disposed = false;

  private constructor(
    readonly dir: string,
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    readonly onnxFile: string,
    private readonly info: LoadResult,
    private readonly client: WorkerClient,
  ) {}

  static async load(dir: string, opts: LoadOptions = {}): Promise<LocalModel> {
    const folder = resolveModelFolder(dir, opts.dtype ?? 'fp32');
    const tokenizer = TextTokenizer.load(dir, folder.eosIds);
    const client = new WorkerClient();
    const c = folder.config;
    try {
      const info = await client.request<LoadResult>({
        op: 'load',
        load: {
          onnxFile: folder.onnxFile,
          device: opts.device ?? 'auto',
          threads: opts.threads,
          numLayers: c.num_hidden_layers,
          kvHeads: c.num_key_value_heads,
          headDim: c.head_dim,
          vocabSize: c.vocab_size,
          maxPositions: c.max_position_embeddings,
        },
      });
      for (const line of info.log) opts.log?.(line);
      opts.log?.(`loaded ${folder.onnxFile} on ${info.device} (KV cache ${info.kvType})`);
      return new LocalModel(dir, c, tokenizer, folder.onnxFile, info, client);
    } catch (e) {
      await client.terminate();
      throw e;
    }
  }

  /** The execution provider actually in use. */
  get device(): Device {
    return this.info.device as Device;
  }

  get kvType(): 'float32' | 'float16' {
    return this.info.kvType;
  }

  async generator(): Promise<Generator> {
    if (this.disposed) throw new Error('the model was disposed');
    const id = ++this.generators;
    await this.client.request({ op: 'create', gen: id });
    return new Generator(this.client, id, this.config.vocab_size);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.client.terminate();
  }
}

export interface GenerateOptions {
  sampler?: SamplerSpec;
  maxTokens: number;
  /** generation stops after emitting one of these (it is still appended to the cache) */
  stopTokenIds?: number[];
  signal?: AbortSignal;
}

/** One KV cache: append tokens, sample the next, rewind (onnxruntime-genai's Generator shape). */
export class Generator {
  private len = 0;
  private freed = false;

  constructor(
    private readonly client: WorkerClient,
    private readonly id: number,
    readonly vocabSize: number,
  ) {}

  /** Tokens in the cache. */
  get length(): number {
    return this.len;
  }

  /** Prefills `ids`; returns logits of every appended position ('all', flattened), the last one, or none. */
  async append(ids: number[], opts: { logits?: LogitsMode } = {}): Promise<Float32Array | undefined> {
    this.check();
    const out = await this.client.request<Float32Array | undefined>({ op: 'append', gen: this.id, ids, logits: opts.logits ?? 'last' });
    this.len += ids.length;
    return out;
  }

  /** Samples one token from the last logits and appends it. */
  async next(sampler: SamplerSpec = {}): Promise<number> {
    this.check();
    const token = await this.client.request<number>({ op: 'next', gen: this.id, sampler });
    this.len++;
    return token;
  }

  /** Streams sampled tokens, each appended to the cache as it is produced. */
  async *generate(opts: GenerateOptions): AsyncGenerator<number> {
    this.check();
    const buffered: number[] = [];
    let wake: (() => void) | undefined;
    const call = this.client.call<string>(
      { op: 'generate', gen: this.id, sampler: opts.sampler ?? {}, maxTokens: opts.maxTokens, stop: opts.stopTokenIds ?? [] },
      (t) => {
        buffered.push(t);
        wake?.();
      },
    );
    let finished = false;
    let failure: unknown;
    call.done.then(
      () => (finished = true),
      (e) => ((failure = e), (finished = true)),
    ).finally(() => wake?.());
    const cancel = () => this.client.send({ op: 'cancel', target: call.id });
    opts.signal?.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        while (buffered.length) {
          this.len++;
          yield buffered.shift()!;
        }
        if (finished) break;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
      if (failure) throw failure;
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
      if (!finished) {
        // the consumer stopped early: stop the worker and wait so length stays exact
        cancel();
        await call.done.catch(() => undefined);
        this.len += buffered.length;
      }
    }
  }

  /** Drops cached tokens after `length`. Append at least one token before sampling again. */
  rewind(length: number): void {
    this.check();
    if (!Number.isInteger(length) || length < 0 || length > this.len) throw new Error(`rewind(${length}): the cache holds ${this.len} tokens`);
    this.client.send({ op: 'rewind', gen: this.id, length });
    this.len = length;
  }

  dispose(): void {
    if (this.freed) return;
    this.freed = true;
    this.client.send({ op: 'free', gen: this.id });
  }

  private check(): void {
    if (this.freed) throw new Error('this generator was disposed');
  }
}
