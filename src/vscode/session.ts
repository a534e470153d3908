/**
 * The models behind solves: the small model (loaded once in the engine's worker, reused
 * until its settings change) and the large-model provider. Loading shows progress and can
 * be cancelled; the extension host's thread only waits, it never runs inference.
 */
import * as vscode from 'vscode';
import { LocalModel } from '../engine';
import { createProvider, type BigModelProvider } from '../providers';
import type { Log } from './log';
import type { ResolvedModel } from './models/resolve';
import type { Settings } from './settingsSchema';
import type { StatusBar } from './statusBar';
import { VsCodeLmProvider } from './lmProvider';

export class LoadCancelledError extends Error {
  override readonly name = 'LoadCancelledError';
  constructor(label: string) {
    super(`loading ${label} was cancelled`);
  }
}

interface Cached<T> {
  key: string;
  value: Promise<T>;
}

export class EngineSession implements vscode.Disposable {
  private small?: Cached<LocalModel>;
  private local?: Cached<BigModelProvider>;

  constructor(
    private readonly log: Log,
    private readonly status: StatusBar,
  ) {}

  /** The small model for these settings, loading it (with a cancellable progress notification) if needed. */
  async smallModel(model: ResolvedModel, settings: Settings): Promise<LocalModel> {
    const key = JSON.stringify([model.dir, model.dtype, settings.device, settings.threads]);
    if (this.small?.key !== key) {
      const old = this.small;
      this.small = undefined;
      if (old) void old.value.then((m) => m.dispose()).catch(() => undefined);
      const started = Date.now();
      this.status.update({ model: model.label, device: settings.device, state: 'loading' });
      this.log.info(`loading small model ${model.dir} (dtype ${model.dtype}, device ${settings.device})`);
      const value = LocalModel.load(model.dir, {
        device: settings.device,
        dtype: model.dtype,
        threads: settings.threads || undefined,
        log: (m) => this.log.info(`engine: ${m}`),
      });
      this.small = { key, value };
      value.then(
        (m) => {
          this.log.info(`small model ${model.label} ready on ${m.device} in ${Date.now() - started} ms`);
          this.status.update({ device: m.device, state: 'idle' });
        },
        (e: unknown) => {
          if (this.small?.value === value) this.small = undefined;
          this.log.error(`loading ${model.dir} failed: ${e instanceof Error ? e.message : String(e)}`);
          this.status.update({ state: 'error', detail: 'model load failed (see the SplitReason log)' });
        },
      );
    }
    const pending = this.small!.value;
    return withLoadProgress(`SplitReason: loading ${model.label} (${model.dtype}, ${settings.device})`, pending, () => {
      // Cancelled: forget this load; the model is freed when it arrives.
      if (this.small?.value === pending) this.small = undefined;
      void pending.then((m) => m.dispose()).catch(() => undefined);
      this.status.update({ state: 'idle' });
      return new LoadCancelledError(model.label);
    });
  }

  /** The large model for these settings; undefined when none is configured. */
  async bigProvider(settings: Settings, localModel: ResolvedModel | undefined, apiKey: string | undefined): Promise<BigModelProvider | undefined> {
    const lm = settings.largeModel;
    switch (lm.provider) {
      case 'none':
        return undefined;
      case 'vscode-lm':
        return new VsCodeLmProvider(lm.model);
      case 'local': {
        if (!localModel) throw new Error('the local large model has no folder');
        const key = JSON.stringify([localModel.dir, localModel.dtype, settings.device, settings.threads]);
        if (this.local?.key !== key) {
          const old = this.local;
          if (old) void old.value.then((p) => p.dispose?.()).catch(() => undefined);
          this.log.info(`local large model: ${localModel.dir} (dtype ${localModel.dtype})`);
          const provider = createProvider({ kind: 'local', modelDir: localModel.dir, dtype: localModel.dtype, device: settings.device, threads: settings.threads || undefined });
          this.local = { key, value: Promise.resolve(provider!) };
        }
        return this.local!.value;
      }
      default:
        this.log.info(`large model: ${lm.provider} ${lm.model} @ ${lm.baseUrl} (API key ${apiKey ? 'set' : 'not set'})`);
        return createProvider({
          kind: lm.provider,
          baseUrl: lm.baseUrl,
          model: lm.model,
          apiKey,
          retry: {
            onRetry: (r) => this.log.warn(`large model: attempt ${r.attempt} failed (${r.error.message}); retrying in ${r.delayMs} ms`),
          },
        });
    }
  }

  /** Drops the loaded models (settings changed or the extension stops). */
  async reset(): Promise<void> {
    const small = this.small;
    const local = this.local;
    this.small = undefined;
    this.local = undefined;
    await Promise.all([
      small?.value.then((m) => m.dispose()).catch(() => undefined),
      local?.value.then((p) => p.dispose?.()).catch(() => undefined),
    ]);
  }

  dispose(): void {
    void this.reset();
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
    progress.report({ message: 'starting the engine worker and ONNX Runtime…' });
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
