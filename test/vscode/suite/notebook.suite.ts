import { describe, it, afterEach } from 'mocha';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TraceEvent } from '../../../src/split/events';
import { CONTROLLER_ID } from '../../../src/vscode/notebook';
import { TRACE_MIME } from '../../../webview/protocol';
import { activateExtension, EXTENSION_ID, readLog, settingsPerTest, testModel, waitFor } from './helpers';
import { localPair } from '../scenarios';

/** A Jupyter notebook (VS Code's built-in ipynb support) with these cells, shown, kernel SplitReason. */
async function notebookWith(...problems: (string | { source: string; language: string })[]): Promise<vscode.NotebookDocument> {
  const cells = problems.map((p) =>
    typeof p === 'string'
      ? new vscode.NotebookCellData(vscode.NotebookCellKind.Code, p, 'plaintext')
      : new vscode.NotebookCellData(vscode.NotebookCellKind.Code, p.source, p.language),
  );
  const doc = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData(cells));
  await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
  return doc;
}

async function runCell(doc: vscode.NotebookDocument, index: number): Promise<vscode.NotebookCell> {
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: doc.uri });
  const cell = doc.cellAt(index);
  await waitFor('the cell execution to end', () => cell.executionSummary?.timing?.endTime !== undefined);
  return cell;
}

const item = (cell: vscode.NotebookCell, mime: string) => cell.outputs.flatMap((o) => o.items).find((i) => i.mime === mime);

describe('Notebook kernel "SplitReason"', () => {
  const settings = settingsPerTest();
  afterEach(async () => {
    // The executed notebook is dirty; closing it would ask to save.
    if (vscode.window.activeNotebookEditor) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("solves a cell's text; the output is the trace for the contributed renderer and the answer as text", async () => {
    const api = await activateExtension();
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.notebookRenderer as { mimeTypes: string[] }[];
    assert.ok(
      contributed.some((r) => r.mimeTypes.includes(TRACE_MIME)),
      'the renderer takes the mime type the kernel writes',
    );
    await settings.set(localPair(testModel(1), testModel(2), 60));
    const statsLines = (): number =>
      readLog(api.logFolder)
        .split('\n')
        .filter((l) => l.includes('stats: ')).length;
    const before = statsLines();
    const doc = await notebookWith('What is 17 + 25?');
    const cell = await runCell(doc, 0);
    assert.equal(cell.executionSummary?.success, true, JSON.stringify(cell.outputs));
    await waitFor('the done line in the log', () => /done: /.test(readLog(api.logFolder).split('\n').slice(-5).join('\n')), 10_000);
    assert.equal(statsLines() - before, 1, 'one stats line a solve');
    assert.equal(cell.executionSummary?.executionOrder, 1);
    const trace = item(cell, TRACE_MIME);
    assert.ok(trace, `a ${TRACE_MIME} output: ${JSON.stringify(cell.outputs.map((o) => o.items.map((i) => i.mime)))}`);
    // An object, not a bare array: the .ipynb format round-trips only that.
    const data = JSON.parse(new TextDecoder().decode(trace.data)) as { version: number; events: TraceEvent[] };
    assert.equal(data.version, 1);
    const events = data.events;
    assert.equal(events[0]?.type === 'start' && events[0].problem, 'What is 17 + 25?');
    assert.ok(
      events.some((e) => e.type === 'segment' && e.source === 'big'),
      'an offloaded segment',
    );
    const done = events.at(-1);
    assert.equal(done?.type, 'done');
    const text = new TextDecoder().decode(item(cell, 'text/plain')?.data);
    assert.equal(
      text,
      done?.type === 'done' && done.answer !== null && done.reason === 'eos'
        ? `Answer: ${done.answer}`
        : `No final answer (${done?.type === 'done' ? done.reason : '?'})`,
    );
    assert.equal(api.panels().length, 0, 'a notebook solve opens no panel');
  });

  it('an empty cell fails with a message that says what to do', async () => {
    await activateExtension();
    const doc = await notebookWith('   ');
    const cell = await runCell(doc, 0);
    assert.equal(cell.executionSummary?.success, false);
    const error = item(cell, 'application/vnd.code.notebook.error');
    assert.match(new TextDecoder().decode(error?.data), /the cell is empty: write a math problem/);
  });

  it('a Python cell is run, not skipped: its error says to set the language to Markdown or Plain Text', async () => {
    await activateExtension();
    const doc = await notebookWith({ source: 'print(1 + 1)', language: 'python' });
    const cell = await runCell(doc, 0);
    assert.equal(cell.executionSummary?.success, false);
    const error = new TextDecoder().decode(item(cell, 'application/vnd.code.notebook.error')?.data);
    assert.match(error, /this cell is python code.*set the cell's language to Markdown or Plain Text/);
  });

  it("a problem outside the bundled toy model's domain gets the domain message, not a solve", async () => {
    await activateExtension();
    await settings.set({ smallModel: 'toy', device: 'cpu' });
    const doc = await notebookWith('What is 37 + 48?');
    const cell = await runCell(doc, 0);
    assert.equal(cell.executionSummary?.success, false);
    assert.equal(item(cell, TRACE_MIME), undefined, 'no trace');
    const error = new TextDecoder().decode(item(cell, 'application/vnd.code.notebook.error')?.data);
    assert.match(error, /outside what the model can do.*only does toy arithmetic.*SplitReason: Download Model/);
  });
});
