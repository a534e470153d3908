/**
 * Settings that would silently do nothing: a large-model base URL while the provider is one
 * that does not use it (the default, `local`). Warned once per URL, with the fix as an action.
 */
import * as vscode from 'vscode';
import { URL_PROVIDERS, type ProviderKind } from '../settings/schema';
import { SETTINGS_SECTION, settingId } from '../settings/settingId';
import type { Log } from './log';
import { settingsConfig } from './settings';

const WARNED_KEY = 'splitreason.warnedUnusedBaseUrl';

export function watchUnusedBaseUrl(state: vscode.Memento, log: Log): vscode.Disposable {
  void check(state, log);
  return vscode.workspace.onDidChangeConfiguration((e) => {
    // every large-model setting, not only the URL: the warning stays once per URL whatever else changes
    if (e.affectsConfiguration(`${SETTINGS_SECTION}.largeModel`)) void check(state, log);
  });
}

async function check(state: vscode.Memento, log: Log): Promise<void> {
  const config = settingsConfig();
  const provider = config.get<ProviderKind>('largeModel.provider') ?? 'local';
  const baseUrl = (config.get<string>('largeModel.baseUrl') ?? '').trim();
  if (!baseUrl || URL_PROVIDERS.includes(provider)) return;
  if (state.get(WARNED_KEY) === baseUrl) {
    // no second notification for a URL, but a line in the log, so each check stays visible
    log.info(`${settingId('largeModel.baseUrl')} ${baseUrl} is still unused by provider "${provider}" (warned about before)`);
    return;
  }
  await state.update(WARNED_KEY, baseUrl);
  const message =
    `${settingId('largeModel.baseUrl')} is set to ${baseUrl}, but ${settingId('largeModel.provider')} is "${provider}", which does not use a URL: ` +
    'the offloaded steps do not go to that API. Switch the provider to the OpenAI-compatible API?';
  log.warn(message);
  const choice = await vscode.window.showWarningMessage(`SplitReason: ${message}`, 'Use OpenAI-Compatible API', 'Configure Large Model');
  if (choice === 'Use OpenAI-Compatible API') {
    // Where the URL was set (a workspace's settings, else the user's).
    const where = config.inspect('largeModel.baseUrl');
    const target =
      where?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : where?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update('largeModel.provider', 'openai-completions', target);
    log.info(`${settingId('largeModel.provider')} set to openai-completions, as ${settingId('largeModel.baseUrl')} asks`);
  } else if (choice === 'Configure Large Model') {
    await vscode.commands.executeCommand('splitreason.configureLargeModel');
  }
}
