import { describe, it } from 'mocha';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, readLog, settingsPerTest, waitFor } from './helpers';

describe('Settings that would do nothing', () => {
  const settings = settingsPerTest();

  it('a large-model base URL while the provider is "local" is warned about once, naming both settings', async () => {
    const api = await activateExtension();
    const url = `http://127.0.0.1:9/v1/unused-${Date.now()}`;
    await settings.set({ 'largeModel.provider': 'local', 'largeModel.baseUrl': url });
    const warning = `splitreason.largeModel.baseUrl is set to ${url}, but splitreason.largeModel.provider is "local"`;
    await waitFor('the warning in the log', () => readLog(api.logFolder).includes(warning), 20_000);
    // Another change to the large-model settings with the same URL: no second warning.
    await vscode.workspace.getConfiguration('splitreason').update('largeModel.model', 'other', vscode.ConfigurationTarget.Global);
    // the advice looked again (its log line says so) and stayed quiet
    await waitFor('the second check', () => readLog(api.logFolder).includes(`${url} is still unused by provider "local"`), 20_000);
    await vscode.workspace.getConfiguration('splitreason').update('largeModel.model', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(readLog(api.logFolder).split(warning).length - 1, 1, 'warned once');
  });
});
