import { describe, it } from 'mocha';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './helpers';
import { traceLines } from '../../helpers/traces';
import smallOnlyTrace from '../../fixtures/traces/small-only.jsonl';

const trace = traceLines(smallOnlyTrace, 'small-only.jsonl');

/** The SplitReason panel tabs, wherever they are. */
const panelTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('splitreason.panel'));

describe('Solve panels in the editor area', () => {
  it('showing a panel again keeps it a pinned tab, so opening another editor never closes it', async () => {
    const api = await activateExtension();
    const file = join(mkdtempSync(join(tmpdir(), 'sr-panels-')), 'a.jsonl');
    writeFileSync(file, trace.map((e) => JSON.stringify(e)).join('\n'));
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', vscode.Uri.file(file)), trace.length);
    const [panel] = api.panels();
    assert.ok(panel, 'a panel opened');
    const tab = await waitFor('the panel tab', () => panelTabs()[0]);
    // The user clicks into the panel's group, then shows the panel again (Open Trace reuses
    // the idle panel): a reveal "beside" the active group would move it into a new group
    // as a preview tab.
    const focusGroup = ['workbench.action.focusFirstEditorGroup', 'workbench.action.focusSecondEditorGroup', 'workbench.action.focusThirdEditorGroup'][
      tab.group.viewColumn - 1
    ];
    assert.ok(focusGroup, `the panel is in column ${tab.group.viewColumn}`);
    await vscode.commands.executeCommand(focusGroup);
    await waitFor('the panel group active', () => vscode.window.tabGroups.activeTabGroup.viewColumn === tab.group.viewColumn);
    assert.equal(await vscode.commands.executeCommand('splitreason.openTrace', vscode.Uri.file(file)), trace.length);
    const shown = await waitFor('the panel tab after the reveal', () => (panelTabs().length === 1 ? panelTabs()[0] : undefined));
    assert.equal(shown.isPreview, false, 'the panel tab is pinned');
    // A preview editor opened in the panel's group replaces only a preview tab.
    // (A file on disk: an untitled document is dirty, and dirty editors always open pinned.)
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { viewColumn: shown.group.viewColumn, preview: true, preserveFocus: false });
    await waitFor('the text editor tab', () =>
      vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString())),
    );
    assert.equal(panelTabs().length, 1, 'the panel tab is still there');
    assert.deepEqual(
      api.panels().map((p) => p.id),
      [panel.id],
      'the panel is still open',
    );
  });
});
