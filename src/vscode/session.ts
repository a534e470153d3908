/**
 * The models behind solves: the small model (loaded once in its engine process, reused
 * until its settings change) and the large-model provider. Loading shows progress and can
 * be cancelled; the extension host's thread only waits, it never runs inference.
 */
import * as vscode from 'vscode';
import { LocalModel } from '../engine';
import { createProvider, type BigModelProvider } from '../providers';
import type { Log } from './log';
import type { ResolvedModel } from '../models/resolve';
import type { Settings } from '../settings/schema';
import type { StatusBar } from './statusBar';
import { VsCodeLmProvider } from './lmProvider';
import { LeasedSlot, type Lease } from './leases';

export class LoadCancelledError extends Error {
  override readonly name = 'LoadCancelledError';
  constructor(label: string) {
    super(`loading ${label} was cancelled`);
  }
}

export class EngineSession implements vscode.Disposable {
  private readonly small = new LeasedSlot<LocalModel>((m) => m.dispose());
  private readonly local = new LeasedSlot<BigModelProvider>((p) => p.dispose?.());

  constructor(
    private readonly log: Log,
    private readonly status: StatusBar,
    /** the CUDA-enabled onnxruntime folder (SplitReason: Enable CUDA), when there is one */
    private readonly ortLibraryDir: () => string | undefined = () => undefined,
    /** where `auto`'s provider self-test results are kept (the extension's global storage) */
    private readonly selfTestFile?: string,
  ) {}

  /**
   * Borrows the small model for these settings, loading it first (with a cancellable
   * progress notification) if needed. Release the lease when the solve ends.
   */
  async smallModel(model: ResolvedModel, settings: Settings): Promise<Lease<LocalModel>> {
    const ortLibraryDir = this.ortLibraryDir();
    const key = JSON.stringify([model.dir, model.dtype, settings.device, settings.threads, ortLibraryDir]);
    if (!this.small.current(key)) {
      const started = Date.now();
      this.status.update({ model: model.label, device: settings.device, state: 'loading' });
      this.log.info(`loading small model ${model.dir} (dtype ${model.dtype}, device ${settings.device})`);
      const loading = this.small.fill(key, () =>
        LocalModel.load(model.dir, {
          device: settings.device,
          dtype: model.dtype,
          threads: settings.threads || undefined,
          ortLibraryDir,
          selfTestFile: this.selfTestFile,
          log: (m) => this.log.info(`engine: ${m}`),
        }),
      );
      loading.then(
        (m) => {
          this.log.info(`small model ${model.label} ready on ${m.device} in ${Date.now() - started} ms`);
          this.status.update({ device: m.device });
        },
        (e: unknown) => {
          this.log.error(`loading ${model.dir} failed: ${e instanceof Error ? e.message : String(e)}`);
          this.status.update({ state: 'error', detail: 'model load failed (see the SplitReason log)' });
        },
      );
    }
    const pending = this.small.current(key);
    const lease = this.small.borrow(key).then((l) => {
      if (!l) throw new Error('the model settings changed while the model loaded; solve again');
      return l;
    });
    return withLoadProgress(`SplitReason: loading ${model.label} (${model.dtype}, ${settings.device})`, lease, () => {
      // Cancelled: the model is freed when it arrives, unless a solve elsewhere uses it.
      if (this.small.current(key) === pending) this.small.retire();
      void lease.then((l) => l.release()).catch(() => undefined);
      return new LoadCancelledError(model.label);
    });
  }

  /** Borrows the large model for these settings; undefined when none is configured. */
  async bigProvider(settings: Settings, localModel: ResolvedModel | undefined, apiKey: string | undefined): Promise<Lease<BigModelProvider> | undefined> {
    const lm = settings.largeModel;
    const own = (value: BigModelProvider): Lease<BigModelProvider> => ({ value, release: () => void value.dispose?.() });
    switch (lm.provider) {
      case 'none':
        return undefined;
      case 'vscode-lm':
        return own(new VsCodeLmProvider(lm.model));
      case 'local': {
        if (!localModel) throw new Error('the local large model has no folder');
        const key = JSON.stringify([localModel.dir, localModel.dtype, settings.device, settings.threads]);
        if (!this.local.current(key)) {
          this.log.info(`local large model: ${localModel.dir} (dtype ${localModel.dtype})`);
          void this.local
            .fill(key, async () =>
              createProvider({
                kind: 'local',
                modelDir: localModel.dir,
                dtype: localModel.dtype,
                device: settings.device,
                threads: settings.threads || undefined,
              })!,
            )
            .catch((e: unknown) => this.log.error(`local large model: ${e instanceof Error ? e.message : String(e)}`));
        }
        const lease = await this.local.borrow(key);
        if (!lease) throw new Error('the large-model settings changed while it loaded; solve again');
        return lease;
      }
      default:
        this.log.info(`large model: ${lm.provider} ${lm.model} @ ${lm.baseUrl} (API key ${apiKey ? 'set' : 'not set'})`);
        return own(
          createProvider({
            kind: lm.provider,
            baseUrl: lm.baseUrl,
            model: lm.model,
            apiKey,
            retry: {
              onRetry: (r) => this.log.warn(`large model: attempt ${r.attempt} failed (${r.error.message}); retrying in ${r.delayMs} ms`),
            },
          })!,
        );
    }
  }

  /** The process ids of the small models' engine processes that are running now. */
  async enginePids(): Promise<number[]> {
    const models = await Promise.all(this.small.held().map((m) => m.catch(() => undefined)));
    return models.flatMap((m) => (m?.enginePid !== undefined ? [m.enginePid] : []));
  }

  /** Settings changed: the next solve loads anew; running solves keep what they borrowed. */
  reset(): void {
    this.small.retire();
    this.local.retire();
  }

  dispose(): void {
    void this.small.disposeAll();
    void this.local.disposeAll();
  }
}

/** Waits for `load` under a cancellable notification; `onCancel` makes the error to throw. */
async function withLoadProgress<T>(title: string, load: Promise<T>, onCancel: () => Error): Promise<T> {
  let settled = false;
  const result = load.finally(() => (settled = true));
  // An already loaded model needs no notification.
  await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 150))]);
  if (settled) return result;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    progress.report({ message: 'starting the engine process and ONNX Runtime…' });
    return new Promise<T>((resolve, reject) => {
      const sub = token.onCancellationRequested(() => {
        sub.dispose();
        reject(onCancel());
      });
      result.then(
        (v) => (sub.dispose(), resolve(v)),
        (e: unknown) => (sub.dispose(), reject(e)),
      );
    });
  });
}
