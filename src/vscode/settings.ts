import * as vscode from 'vscode';
import { readSettings, type SettingKey, type Settings, type SettingProblem } from '../settings/schema';
import { SETTINGS_SECTION } from '../settings/settingId';

export type { Settings, SettingProblem };

/** The `splitreason` configuration, read and written only by keys the schema defines. */
export function settingsConfig() {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    get: <T>(key: SettingKey): T | undefined => config.get<T>(key),
    inspect: (key: SettingKey) => config.inspect(key),
    update: (key: SettingKey, value: unknown, target = vscode.ConfigurationTarget.Global) => config.update(key, value, target),
  };
}

/** The current `splitreason.*` settings, validated (src/settings/schema.ts). */
export function currentSettings(): { settings: Settings; problems: SettingProblem[] } {
  const config = settingsConfig();
  // inspect() tells an unset key from one set to its default; only set values are validated.
  return readSettings((key) => {
    const i = config.inspect(key);
    return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  });
}

/**
 * Shows the problems as one error with a button to the first bad setting. Returns the
 * message (the integration tests check its text).
 */
export function reportSettingProblems(problems: SettingProblem[]): string {
  const message = `SplitReason cannot start: ${problems.map((p) => p.message).join(' ')}`;
  void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', problems[0].key);
  });
  return message;
}

export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SETTINGS_SECTION)) listener();
  });
}
