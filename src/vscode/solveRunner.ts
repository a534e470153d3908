/**
 * Runs one solve in one target (a panel or a notebook cell): settings → models → the split
 * controller's event stream → the target, the log and the status bar. Every failure ends in
 * the target as an error event and in the log; none escapes to VS Code as an unhandled
 * rejection.
 */
import * as vscode from 'vscode';
import { solve, withChecks, type DoneReason, type TraceEvent } from '../split';
import type { StatsEvent } from '../split/events';
import { withLimit } from './tokenLimit';
import type { LocalModel } from '../engine';
import type { BigModelProvider } from '../providers';
import type { Lease } from './leases';
import type { ApiKeyStore } from './secrets';
import type { EngineSession } from './session';
import { LoadCancelledError } from './session';
import type { Log } from './log';
import type { StatusBar } from './statusBar';
import { currentSettings, reportSettingProblems } from './settings';
import { ModelNotDownloadedError, resolveModel, type ResolveContext, type ResolvedModel } from '../models/resolve';
import { bigTemperature, smallSampling } from '../models/sampling';
import { inDomain } from '../split/modelDomain';
import { domainOf, outOfDomainNotice, type SolveNotice } from './domainNotice';

export type SolveOutcome =
  /** targetId: the id of the panel or notebook cell output the solve ran in (SolveTarget.id). */
  | { status: 'done'; targetId: number; reason: DoneReason; answer: string | null }
  | { status: 'invalid-settings'; message: string }
  /** The active model declares a domain and the problem is outside it: the target shows why. */
  | { status: 'out-of-domain'; message: string }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };

export interface SolveDeps {
  session: EngineSession;
  keys: ApiKeyStore;
  log: Log;
  status: StatusBar;
  resolveContext(): ResolveContext;
  /** Called when a panel starts or stops solving. */
  changed(): void;
  anyRunning(): boolean;
}

/** One solve's handle on its target (SolveTarget.begin): where its events go, and its stop. */
export interface SolveRun {
  readonly signal: AbortSignal;
  push(event: TraceEvent): void;
  end(): void;
}

/** Where a solve's events go: a solve panel (panel.ts) or a notebook cell's output (notebook.ts). */
export interface SolveTarget {
  readonly id: number;
  /** Called once the settings and models resolved; events and the end go through the run. */
  begin(problem: string): SolveRun;
  /** Shown instead of a solve (a problem outside the model's domain). */
  notice(problem: string, notice: SolveNotice): void;
}

export interface SolveOptions {
  /** Solve even a problem outside the model's declared domain (the notice's "Solve Anyway"). */
  ignoreDomain?: boolean;
}

export async function runSolve(deps: SolveDeps, target: SolveTarget, problem: string, options: SolveOptions = {}): Promise<SolveOutcome> {
  const { log } = deps;
  const { settings, problems } = currentSettings();
  if (problems.length) {
    const message = reportSettingProblems(problems);
    log.error(message);
    return { status: 'invalid-settings', message };
  }
  let small: ResolvedModel;
  let bigLocal: ResolvedModel | undefined;
  try {
    const ctx = deps.resolveContext();
    small = resolveModel(settings.smallModel, settings.dtype, ctx, 'small');
    if (settings.largeModel.provider === 'local') bigLocal = resolveModel(settings.largeModel.model || 'toy', 'auto', ctx, 'big');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(`cannot solve: ${message}`);
    if (e instanceof ModelNotDownloadedError) {
      void vscode.window.showErrorMessage(`SplitReason: ${message}`, 'Download Model').then((c) => {
        if (c) void vscode.commands.executeCommand('splitreason.downloadModel', e.entry.id);
      });
    } else {
      void vscode.window.showErrorMessage(`SplitReason: ${message}`, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:splitreason.splitreason model');
      });
    }
    return { status: 'error', message };
  }

  const domain = options.ignoreDomain ? null : domainOf(small.dir, log);
  if (domain && !inDomain(domain, problem)) {
    const notice = await outOfDomainNotice(domain, small.label, () => void runSolve(deps, target, problem, { ...options, ignoreDomain: true }));
    log.info(`not solved: the problem is outside ${small.label}'s declared domain (${JSON.stringify(problem.slice(0, 200))})`);
    target.notice(problem, notice);
    return { status: 'out-of-domain', message: notice.message };
  }

  const run = target.begin(problem);
  const { signal } = run;
  deps.changed();
  deps.status.update({ model: small.label, state: 'loading' });
  let done: { reason: DoneReason; answer: string | null } = { reason: 'error', answer: null };
  const fail = (message: string): void => {
    run.push({ type: 'error', message, recoverable: false });
    run.push({ type: 'done', answer: null, reason: 'error' });
  };
  let smallLease: Lease<LocalModel> | undefined;
  let bigLease: Lease<BigModelProvider> | undefined;
  try {
    smallLease = await deps.session.smallModel(small, settings);
    const model = smallLease.value;
    const apiKey = settings.largeModel.provider.startsWith('openai-') ? await deps.keys.get() : undefined;
    bigLease = await deps.session.bigProvider(settings, bigLocal, apiKey);
    const big = bigLease?.value;
    if (!big) {
      log.info('no large model configured: solving with the small model alone');
      void vscode.window
        .showInformationMessage('SplitReason is solving with the small model alone: no large model is configured.', 'Configure Large Model')
        .then((c) => {
          if (c) void vscode.commands.executeCommand('splitreason.configureLargeModel');
        });
    }
    if (signal.aborted) {
      done = { reason: 'cancelled', answer: null };
      run.push({ type: 'done', ...done });
      return { status: 'done', targetId: target.id, ...done };
    }
    deps.status.update({ device: model.device, state: 'solving' });
    log.info(`solve: small ${small.label} on ${model.device}, large ${big?.name ?? 'none'}, policy ${settings.policy.kind}`);
    const sampling = smallSampling(settings, small.dir);
    const bigT = big ? bigTemperature(settings, bigLocal?.dir) : undefined;
    const largeTemperature = bigT ?? (big ? "the API's default" : 'n/a');
    log.info(`sampling: small temperature ${sampling.temperature}, top-p ${sampling.topP} (from ${sampling.source}); large temperature ${largeTemperature}`);
    // Each equation line of the trace gets the CAS checker's verdict (a `check` event) as it completes.
    const events = withChecks(
      solve({
        problem,
        small: model,
        big,
        policy: big ? settings.policy : { ...settings.policy, kind: 'never' },
        budgets: settings.budgets,
        sampler: { temperature: sampling.temperature, topP: sampling.topP, seed: settings.policy.seed },
        bigTemperature: bigT,
        prices: settings.prices,
        signal,
        smallName: small.label,
      }),
    );
    let stats: StatsEvent | undefined;
    let toldFailure = false;
    for await (const raw of events) {
      if (raw.type === 'stats') stats = raw;
      const ev = raw.type === 'done' ? withLimit(raw, stats, settings.budgets.maxTokens, model.config.max_position_embeddings) : raw;
      run.push(ev);
      logEvent(log, ev, stats);
      if (ev.type === 'segmentEnd' && ev.reason === 'failed' && !toldFailure) {
        // once a solve: a down server fails every later step the same way
        toldFailure = true;
        void vscode.window
          .showWarningMessage(
            `SplitReason: the large model failed (${ev.error ?? 'no detail'}); the small model writes those steps itself.`,
            'Configure Large Model',
          )
          .then((c) => {
            if (c) void vscode.commands.executeCommand('splitreason.configureLargeModel');
          });
      }
      if (ev.type === 'done') done = { reason: ev.reason, answer: ev.answer };
    }
    return { status: 'done', targetId: target.id, ...done };
  } catch (e) {
    if (e instanceof LoadCancelledError) {
      log.info(e.message);
      run.push({ type: 'done', answer: null, reason: 'cancelled' });
      return { status: 'cancelled' };
    }
    const message = e instanceof Error ? e.message : String(e);
    log.error(`solve failed: ${message}`);
    fail(message);
    return { status: 'error', message };
  } finally {
    smallLease?.release();
    bigLease?.release();
    run.end();
    deps.status.update({ state: deps.anyRunning() ? 'solving' : 'idle' });
    deps.changed();
  }
}

/** The controller sends stats after every segment and once more at the end: the log gets the last, once. */
function logEvent(log: Log, ev: TraceEvent, lastStats: StatsEvent | undefined): void {
  switch (ev.type) {
    case 'segment':
      if (ev.source === 'big') log.info(`offload: segment ${ev.id} to the large model (trigger ${ev.trigger})`);
      return;
    case 'segmentEnd':
      if (ev.reason === 'failed') log.warn(`fallback: the large model failed on segment ${ev.id} (${ev.error ?? 'no detail'}); the small model continues`);
      return;
    case 'error':
      (ev.recoverable ? log.warn : log.error)(`solve: ${ev.message}`);
      return;
    case 'done':
      if (lastStats) {
        const s = lastStats;
        log.info(
          `stats: ${s.smallTokens} small + ${s.bigTokens} large tokens (${(s.offloadFraction * 100).toFixed(1)} % offloaded), ` +
            `${s.tokensPerSecond.toFixed(1)} tok/s, cost ≈ $${s.costEstimate.toFixed(4)}`,
        );
      }
      const limited = ev.limit ? ` (${ev.limit === 'context' ? 'the model context' : 'the token budget'} of ${ev.limitTokens} tokens)` : '';
      log.info(`done: ${ev.reason}${limited}${ev.answer !== null ? `, answer ${ev.answer}` : ''}`);
      return;
  }
}
