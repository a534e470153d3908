/** Wires the SplitReason parts together; each concern lives in its own file. */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { SplitReasonApi } from './api';
import { createLog } from './log';
import { ApiKeyStore, setApiKeyCommand } from './secrets';
import { StatusBar, showActions } from './statusBar';
import { EngineSession } from './session';
import { Panels } from './panels';
import { loadCatalog } from '../models/catalog';
import { settingLabel } from '../models/resolve';
import { downloadModelCommand } from './modelManager';
import { importModelCommand } from './importModel';
import { configureLargeModelCommand } from './largeModelSetup';
import { openTraceCommand, solveAgain, solveCommand, stopCommand } from './commands';
import { currentSettings, onSettingsChanged } from './settings';
import type { SolveDeps } from './solveRunner';
import { createNotebookController } from './notebook';
import { watchUnusedBaseUrl } from './settingsAdvice';
import { CHECK_COMMAND, SolutionCheck } from './checkSolution';
import { TUTOR_COMMAND, tutorCommand } from './tutorCommand';
import { newNotebookCommand } from './newNotebook';
import { enableCudaCommand, installedCuda } from './cuda/command';

export function activate(context: vscode.ExtensionContext): SplitReasonApi {
  const log = createLog();
  const keys = new ApiKeyStore(context.secrets, log);
  const status = new StatusBar();
  const session = new EngineSession(
    log,
    status,
    () => installedCuda(context.extensionPath, context.globalStorageUri.fsPath),
    join(context.globalStorageUri.fsPath, 'provider-self-test.json'),
  );
  const storageDir = join(context.globalStorageUri.fsPath, 'models');
  const catalogFile = join(context.extensionPath, 'models', 'catalog.json');
  const catalog = () => loadCatalog(catalogFile);
  const convertScript = join(context.extensionPath, 'dist', 'convertChild.js');
  const deps: SolveDeps = {
    session,
    keys,
    log,
    status,
    resolveContext: () => ({ extensionPath: context.extensionPath, storageDir, catalog: catalog() }),
    changed: () => panels.changed(),
    anyRunning: () => panels.anyRunning,
  };
  const panels: Panels = new Panels(context.extensionUri, { stop: (p) => p.stop(), solveAgain: (p) => solveAgain(deps, p) }, log);
  const initial = currentSettings().settings;
  status.update({ model: settingLabel(initial.smallModel), device: initial.device });

  const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
  const check = new SolutionCheck();
  context.subscriptions.push(
    log,
    status,
    session,
    panels,
    command('splitreason.solve', (arg) => solveCommand(deps, panels, arg)),
    command('splitreason.stop', () => stopCommand(panels)),
    command('splitreason.setApiKey', (arg) => setApiKeyCommand(keys, arg)),
    command('splitreason.openTrace', (arg) => openTraceCommand(panels, log, arg)),
    command('splitreason.downloadModel', (arg) => downloadModelCommand({ catalog, storageDir, log, convertScript }, arg)),
    command('splitreason.importModel', (arg) => importModelCommand({ storageDir, convertScript, log }, arg)),
    command('splitreason.configureLargeModel', () => configureLargeModelCommand()),
    command('splitreason.showActions', () => showActions(panels.anyRunning)),
    command('splitreason.showLog', () => log.channel.show()),
    command('splitreason.enableCuda', (arg) => enableCudaCommand(context.extensionPath, context.globalStorageUri.fsPath, log, arg)),
    command('splitreason.newNotebook', () => newNotebookCommand(context.extensionPath, context.extension.id)),
    createNotebookController(deps),
    watchUnusedBaseUrl(context.globalState, log),
    check,
    command(CHECK_COMMAND, (arg) => check.run(arg)),
    command(TUTOR_COMMAND, (arg) => tutorCommand(deps, panels, arg)),
    onSettingsChanged(() => {
      const { settings, problems } = currentSettings();
      status.update({
        model: settingLabel(settings.smallModel),
        device: settings.device,
        state: problems.length ? 'error' : 'idle',
        detail: problems[0]?.message,
      });
      // Loaded models follow the settings: the next solve loads what is configured now.
      session.reset();
    }),
  );
  log.info(`SplitReason ${String(context.extension.packageJSON.version)} activated`);
  return {
    trace: () => panels.active?.events,
    panels: () => panels.all.map((p) => ({ id: p.id, running: p.isRunning, events: [...p.events] })),
    running: () => panels.anyRunning,
    hasApiKey: async () => (await keys.get()) !== undefined,
    enginePids: () => session.enginePids(),
    logFolder: context.logUri.fsPath,
  };
}

export function deactivate(): void {}
