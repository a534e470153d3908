import { describe, it } from 'mocha';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

describe('API key (SecretStorage)', () => {
  it('stores the key, reports it present, clears it, and never writes it to settings', async () => {
    const api = await activateExtension();
    const key = `sk-test-${Date.now()}-secret`;
    assert.equal(await vscode.commands.executeCommand('splitreason.setApiKey', key), 'stored');
    assert.equal(await api.hasApiKey(), true);
    const settingsText = JSON.stringify(vscode.workspace.getConfiguration('splitreason'));
    assert.ok(!settingsText.includes(key), 'the key must not appear in settings');
    assert.equal(await vscode.commands.executeCommand('splitreason.setApiKey', ''), 'cleared');
    assert.equal(await api.hasApiKey(), false);
  });
});
