/**
 * The large model as a second model folder run in-process by the engine: no server needed
 * on a machine that can hold both models. The prompt is tokenized raw (it already carries
 * whatever chat formatting the caller wants) and continued.
 */
import { LocalModel, type Device, type Dtype } from '../engine';
import { CachedGenerator } from './cachedGenerator';
import { generateText } from './localText';
import { ProviderError, abortedError, type BigModelProvider, type ContinueRequest, type ProviderChunk, type ProviderUsage } from './types';
import { UsageTotals } from './usage';

export interface LocalProviderSettings {
  modelDir: string;
  device?: Device;
  dtype?: Dtype;
  threads?: number;
  log?: (message: string) => void;
}

export class LocalProvider implements BigModelProvider {
  readonly name: string;
  private loading?: Promise<{ model: LocalModel; gen: CachedGenerator }>;
  private readonly totals = new UsageTotals();
  /** One generation at a time: they share one KV cache. */
  private queue: Promise<void> = Promise.resolve();
  private readonly owned: boolean;
  private readonly settings?: LocalProviderSettings;

  /** From a folder (loaded on first use), or around a model someone else owns. */
  constructor(source: LocalProviderSettings | { model: LocalModel }) {
    if ('model' in source) {
      this.loading = source.model.generator().then((g) => ({ model: source.model, gen: new CachedGenerator(g, () => source.model.generator()) }));
      this.loading.catch(() => undefined);
      this.owned = false;
      this.name = `local ${source.model.dir}`;
    } else {
      this.settings = source;
      this.owned = true;
      this.name = `local ${source.modelDir}`;
    }
  }

  private load(): Promise<{ model: LocalModel; gen: CachedGenerator }> {
    this.loading ??= (async () => {
      const s = this.settings!;
      let model: LocalModel;
      try {
        model = await LocalModel.load(s.modelDir, { device: s.device ?? 'auto', dtype: s.dtype, threads: s.threads, log: s.log });
      } catch (e) {
        throw new ProviderError(`cannot load the local large model from ${s.modelDir}: ${(e as Error).message}`, {
          kind: 'config',
          retryable: false,
          cause: e,
        });
      }
      return { model, gen: new CachedGenerator(await model.generator(), () => model.generator()) };
    })();
    return this.loading;
  }

  async *continue(req: ContinueRequest): AsyncGenerator<ProviderChunk> {
    const { model, gen } = await this.load();
    let release!: () => void;
    const turn = this.queue;
    this.queue = new Promise((r) => (release = r));
    try {
      await turn;
      if (req.signal?.aborted) throw abortedError(this.name);
      const promptIds = model.tokenizer.encode(req.prompt);
      const it = generateText(model, gen, {
        promptIds,
        maxTokens: req.maxTokens,
        stop: req.stop,
        sampler: { temperature: req.temperature, topP: req.topP, seed: req.seed },
        signal: req.signal,
      });
      let completion = 0;
      let finished = false;
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) {
            completion = r.value.completionTokens;
            finished = true;
            break;
          }
          completion += r.value.tokens;
          yield r.value;
        }
      } catch (e) {
        finished = true;
        gen.reset();
        if (e instanceof ProviderError) throw e;
        throw new ProviderError(`${this.name} failed: ${(e as Error).message}`, { kind: 'model', retryable: false, cause: e });
      } finally {
        // The caller stopped reading (a hand-back): close the engine's stream too, which stops
        // the worker's generation now instead of after maxTokens and keeps the cache length exact.
        if (!finished) await it.return(undefined as never);
        this.totals.add(promptIds.length, completion);
      }
      if (req.signal?.aborted) throw abortedError(this.name);
    } finally {
      release();
    }
  }

  usage(): ProviderUsage | undefined {
    return this.totals.get();
  }

  async dispose(): Promise<void> {
    const loaded = await this.loading?.catch(() => undefined);
    if (!loaded) return;
    loaded.gen.dispose();
    if (this.owned) await loaded.model.dispose();
  }
}
