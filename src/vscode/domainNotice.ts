/**
 * A problem outside what the active small model declares it can do (splitreason.json "domain",
 * src/split/modelDomain.ts) gets a notice instead of a confident guess: what the model does,
 * and the ways on (a real model to download or import, or solving anyway).
 */
import * as vscode from 'vscode';
import { readSplitreasonJson } from '../engine';
import { parseModelDomain, type ModelDomain } from '../split/modelDomain';
import type { Log } from './log';
import { resolveModel, type ResolveContext } from '../models/resolve';
import { currentSettings } from './settings';

/** Another helper adds this command ("Import Hugging Face Model…"); the action shows once it exists. */
export const IMPORT_MODEL_COMMAND = 'splitreason.importModel';
export const DOWNLOAD_MODEL_COMMAND = 'splitreason.downloadModel';

export interface NoticeAction {
  label: string;
  run(): void;
}

/** What a solve target shows instead of a trace (the panel as a card with buttons, a cell as an error). */
export interface SolveNotice {
  title: string;
  message: string;
  actions: NoticeAction[];
}

/** The domain of a model folder; a broken declaration is logged and checks nothing. */
export function domainOf(dir: string, log: Log): ModelDomain | null {
  try {
    return parseModelDomain(readSplitreasonJson(dir));
  } catch (e) {
    log.warn(`${e instanceof Error ? e.message : String(e)}; every problem is sent to the model`);
    return null;
  }
}

/** The domain of the small model the settings select now, or null (none declared, or it cannot be resolved yet). */
export function activeDomain(resolveContext: () => ResolveContext, log: Log): ModelDomain | null {
  const { settings, problems } = currentSettings();
  if (problems.length) return null;
  try {
    return domainOf(resolveModel(settings.smallModel, settings.dtype, resolveContext(), 'small').dir, log);
  } catch {
    return null; // the solve itself reports an unresolved model
  }
}

export async function outOfDomainNotice(domain: ModelDomain, modelLabel: string, solveAnyway: () => void): Promise<SolveNotice> {
  const run = (command: string) => () => void vscode.commands.executeCommand(command);
  const actions: NoticeAction[] = [{ label: 'Download Model', run: run(DOWNLOAD_MODEL_COMMAND) }];
  if ((await vscode.commands.getCommands(true)).includes(IMPORT_MODEL_COMMAND))
    actions.push({ label: 'Import Hugging Face Model…', run: run(IMPORT_MODEL_COMMAND) });
  actions.push({ label: 'Solve Anyway', run: solveAnyway });
  return {
    title: 'This problem is outside what the model can do',
    message:
      `${domain.description} This problem is not of that kind, so the model (${modelLabel}) would only guess. ` +
      'For other problems choose a real model: download one, or import one from Hugging Face.',
    actions,
  };
}
