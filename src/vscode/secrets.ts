import * as vscode from 'vscode';
import type { Log } from './log';

const KEY = 'splitreason.largeModel.apiKey';

/** The large-model API key, kept in VS Code's SecretStorage only (never settings, logs or traces). */
export class ApiKeyStore {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly log: Log,
  ) {}

  async get(): Promise<string | undefined> {
    const key = await this.storage.get(KEY);
    if (key) this.log.addSecret(key);
    return key || undefined;
  }

  async set(key: string): Promise<void> {
    this.log.addSecret(key);
    await this.storage.store(KEY, key);
    this.log.info('API key stored in SecretStorage');
  }

  async clear(): Promise<void> {
    await this.storage.delete(KEY);
    this.log.info('API key removed from SecretStorage');
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((e) => {
      if (e.key === KEY) listener();
    });
  }
}

/**
 * "SplitReason: Set API Key". Asks with a password box; an empty answer removes the key.
 * A string argument skips the box (for keybindings and scripted setup).
 */
export async function setApiKeyCommand(store: ApiKeyStore, arg?: unknown): Promise<'stored' | 'cleared' | 'cancelled'> {
  let key = typeof arg === 'string' ? arg : undefined;
  if (key === undefined) {
    key = await vscode.window.showInputBox({
      title: 'SplitReason: API key for the large model',
      prompt: 'Stored in VS Code SecretStorage, never in settings. Leave empty to remove the stored key.',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return 'cancelled';
  }
  key = key.trim();
  if (key === '') {
    await store.clear();
    return 'cleared';
  }
  await store.set(key);
  return 'stored';
}
