import * as vscode from 'vscode';
import type { SplitReasonApi } from './api';
import { createLog } from './log';
import { ApiKeyStore, setApiKeyCommand } from './secrets';

export function activate(context: vscode.ExtensionContext): SplitReasonApi {
  const log = createLog();
  context.subscriptions.push(log);
  const keys = new ApiKeyStore(context.secrets, log);
  context.subscriptions.push(vscode.commands.registerCommand('splitreason.setApiKey', (arg?: unknown) => setApiKeyCommand(keys, arg)));
  log.info(`SplitReason ${context.extension.packageJSON.version} activated`);
  return {
    trace: () => undefined,
    running: () => false,
    hasApiKey: async () => (await keys.get()) !== undefined,
  };
}

export function deactivate(): void {}
