/**
 * A model folder loaded for generation (docs/ARCHITECTURE.md §3). The tokenizer runs in the caller's
 * process (cheap); the ONNX session and KV caches live in an engine process of their own, one
 * per model. When that process dies, calls on its generators fail with the reason and the next
 * generator() starts a fresh engine with the same model.
 */
import { EngineProcess } from './engineProcess';
import type { Provider } from './executionProviders';
import { runSelfTest, SelfTestRecord } from './selfTest';
import { resolveModelFolder } from './modelFolder';
import { TextTokenizer } from './tokenizer';
import type { Device, LoadOptions, LogitsMode, ModelConfig, SamplerSpec, TagSpellings } from './types';
import type { AppendResult, EngineMemory, GeneratorOptions, LoadRequest, LoadResult, NextResult, ProbeResult, StepResult } from './process/protocol';

export class LocalModel {
  private generators = 0;
  private disposed = false;
  private restarting?: Promise<void>;

  private constructor(
    readonly dir: string,
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    readonly onnxFile: string,
    /** the folder's splitreason.json as read, for the split layer to parse */
    readonly splitreason: { file: string; raw: unknown } | undefined,
    private info: LoadResult,
    private engine: EngineProcess,
    private readonly request: LoadRequest,
    private readonly startOptions: StartOptions,
  ) {}

  static async load(dir: string, opts: LoadOptions = {}): Promise<LocalModel> {
    const folder = resolveModelFolder(dir, opts.dtype ?? 'fp32');
    const c = folder.config;
    const request: LoadRequest = {
      onnxFile: folder.onnxFile,
      device: opts.device ?? 'auto',
      threads: opts.threads,
      numLayers: c.num_hidden_layers,
      kvHeads: c.num_key_value_heads,
      headDim: c.head_dim,
      vocabSize: c.vocab_size,
      maxPositions: c.max_position_embeddings,
      rewind: opts.rewind,
    };
    const startOptions: StartOptions = { ortLibraryDir: opts.ortLibraryDir, selfTestFile: opts.selfTestFile, log: opts.log };
    // the engine process starts and loads the session while this process parses tokenizer.json (11 MB for Qwen)
    const starting = start(request, startOptions);
    let tokenizer: TextTokenizer;
    try {
      tokenizer = TextTokenizer.load(dir, folder.eosIds);
    } catch (e) {
      await starting.then(
        ({ engine }) => engine.terminate(),
        () => undefined,
      );
      throw e;
    }
    const { engine, info } = await starting;
    return new LocalModel(dir, c, tokenizer, folder.onnxFile, folder.splitreason, info, engine, request, startOptions);
  }

  /** The execution provider actually in use. */
  get device(): Device {
    return this.info.device as Device;
  }

  get kvType(): 'float32' | 'float16' {
    return this.info.kvType;
  }

  /** The engine process's id, while it runs. */
  get enginePid(): number | undefined {
    return this.engine.alive ? this.engine.pid : undefined;
  }

  /** The engine process's memory (bench/soak.ts); undefined when it is not running. */
  async engineMemory(): Promise<EngineMemory | undefined> {
    return this.engine.alive ? this.engine.request<EngineMemory>({ op: 'memory' }) : undefined;
  }

  async generator(options: GeneratorOptions = {}): Promise<Generator> {
    if (this.disposed) throw new Error('the model was disposed');
    if (!this.engine.alive) await this.restart();
    const id = ++this.generators;
    await this.engine.request({ op: 'create', gen: id, options });
    return new Generator(this.engine, id, this.config.vocab_size);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.engine.terminate();
  }

  private restart(): Promise<void> {
    this.restarting ??= (async () => {
      this.startOptions.log?.('the model engine stopped; starting a new one');
      const { engine, info } = await start(this.request, this.startOptions);
      this.engine = engine;
      this.info = info;
    })().finally(() => (this.restarting = undefined));
    return this.restarting;
  }
}

/**
 * Starts an engine process with the model. Under `device: auto` a GPU provider met for the first
 * time runs the self-test; one that fails (or crashes its engine) is recorded and the model is
 * loaded again without it.
 */
async function start(request: LoadRequest, opts: StartOptions): Promise<{ engine: EngineProcess; info: LoadResult }> {
  const record = request.device === 'auto' ? new SelfTestRecord(opts.selfTestFile) : undefined;
  const failed = new Set(record?.failed() ?? []);
  for (;;) {
    const engine = new EngineProcess(opts.ortLibraryDir);
    let info: LoadResult;
    try {
      info = await engine.request<LoadResult>({ op: 'load', load: { ...request, failedSelfTest: [...failed] } });
    } catch (e) {
      await engine.terminate();
      throw e;
    }
    for (const line of info.log) opts.log?.(line);
    const device = info.device as Provider;
    if (record && !failed.has(device) && (device !== 'cpu' || SELF_TEST_CPU()) && !record.passed(device)) {
      const reason = await runSelfTest(engine).catch((e: Error) => e.message);
      record.note(device, reason);
      if (reason !== undefined) {
        opts.log?.(`${device} failed its self-test (${reason}); falling back`);
        failed.add(device);
        await engine.terminate();
        continue;
      }
      opts.log?.(`${device} passed its self-test`);
    }
    const where = info.kvLocation === 'gpu-buffer' ? ', kept on the GPU' : '';
    opts.log?.(`loaded ${request.onnxFile} on ${info.device} (KV cache ${info.kvType}${where}; engine process ${engine.pid})`);
    return { engine, info };
  }
}

interface StartOptions {
  ortLibraryDir?: string;
  selfTestFile?: string;
  log?: (message: string) => void;
}

/** The CPU is the last resort and is not self-tested, except by the tests of the fallback itself. */
const SELF_TEST_CPU = () => process.env.SPLITREASON_SELF_TEST_CPU === '1';

export interface GenerateOptions {
  sampler?: SamplerSpec;
  maxTokens: number;
  /** generation stops after emitting one of these (it is still appended to the cache) */
  stopTokenIds?: number[];
  signal?: AbortSignal;
}

/**
 * One KV cache in the engine process: append tokens, sample the next, probe a hand-back, rewind
 * (onnxruntime-genai's Generator shape). Logits stay in the engine unless asked for.
 */
export class Generator {
  private len = 0;
  private freed = false;
  private entropyNext?: number;

  constructor(
    private readonly engine: EngineProcess,
    private readonly id: number,
    readonly vocabSize: number,
  ) {}

  /** Tokens in the cache. */
  get length(): number {
    return this.len;
  }

  /** False once disposed or once its engine process has died. */
  get alive(): boolean {
    return !this.freed && this.engine.alive;
  }

  /** Entropy (nats) of the next token's distribution, when the generator was created with `entropy: true`. */
  get nextEntropy(): number | undefined {
    return this.entropyNext;
  }

  /** Prefills `ids`; returns the logits of every appended position ('all', flattened), of the last one, or none (the default). */
  async append(ids: number[], opts: { logits?: LogitsMode } = {}): Promise<Float32Array | undefined> {
    const r = await this.step<AppendResult>({ op: 'append', gen: this.id, ids, logits: opts.logits ?? 'none' });
    return r.logits;
  }

  /** Samples one token from the engine's last logits and appends it. */
  async next(sampler: SamplerSpec = {}): Promise<{ token: number; entropy?: number }> {
    const r = await this.step<NextResult>({ op: 'next', gen: this.id, sampler });
    return { token: r.token, ...(r.sampledEntropy !== undefined ? { entropy: r.sampledEntropy } : {}) };
  }

  /**
   * Appends `ids` (a large model's tokens) and finds the first position after which the model
   * would write `close` itself; there the cache is cut and `close` appended (docs/ARCHITECTURE.md §4).
   */
  async probe(ids: number[], close: number[], spellings?: TagSpellings): Promise<{ after: number | null; evaluations: number; lead: number[] }> {
    const r = await this.step<ProbeResult>({ op: 'probe', gen: this.id, ids, close, ...(spellings ? { spellings } : {}) });
    return { after: r.after, evaluations: r.evaluations, lead: r.lead };
  }

  /** A copy of the logits after the last token (they stay in the engine unless asked for). */
  async lastLogits(): Promise<Float32Array> {
    this.check();
    return this.engine.request<Float32Array>({ op: 'logits', gen: this.id });
  }

  /** Streams sampled tokens, each appended to the cache as it is produced. */
  async *generate(opts: GenerateOptions): AsyncGenerator<number> {
    this.check();
    const buffered: number[] = [];
    let wake: (() => void) | undefined;
    const call = this.engine.call<string>(
      { op: 'generate', gen: this.id, sampler: opts.sampler ?? {}, maxTokens: opts.maxTokens, stop: opts.stopTokenIds ?? [] },
      (t) => {
        buffered.push(t);
        wake?.();
      },
    );
    let finished = false;
    let failure: unknown;
    call.done
      .then(
        () => (finished = true),
        (e) => ((failure = e), (finished = true)),
      )
      .finally(() => wake?.());
    const cancel = () => this.engine.send({ op: 'cancel', target: call.id });
    opts.signal?.addEventListener('abort', cancel, { once: true });
    this.entropyNext = undefined;
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
        // the consumer stopped early: stop the engine and wait so length stays exact
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
    this.engine.send({ op: 'rewind', gen: this.id, length });
    this.len = length;
    this.entropyNext = undefined;
  }

  dispose(): void {
    if (this.freed) return;
    this.freed = true;
    this.engine.send({ op: 'free', gen: this.id });
  }

  private async step<T extends StepResult>(req: Parameters<EngineProcess['request']>[0]): Promise<T> {
    this.check();
    const r = await this.engine.request<T>(req);
    this.len = r.length;
    this.entropyNext = r.entropy;
    return r;
  }

  private check(): void {
    if (this.freed) throw new Error('this generator was disposed');
  }
}
