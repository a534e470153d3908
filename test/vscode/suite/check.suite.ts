import { describe, it, before } from 'mocha';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SplitReasonApi } from '../../../src/vscode/api';
import type { CheckOutcome } from '../../../src/vscode/checkSolution';
import type { SolveOutcome } from '../../../src/vscode/solveRunner';
import { activateExtension, settingsPerTest, testModel, waitFor } from './helpers';
import { smallAlone } from '../scenarios';

const SOLUTION = ['Problem: Solve $2x + 3 = 11$.', '', '$2x + 3 = 11$', '$2x = 14$', 'So $x = 7$.', 'That is the answer.'].join('\n');

const EXTENSIONS: Record<string, string> = { markdown: '.md', latex: '.tex', plaintext: '.txt' };
let fileCount = 0;

/**
 * Opens `content` as the only editor, from a file of its own, and waits until it is the active one.
 * Untitled documents reuse their names ("Untitled-1"): on a CI machine the extension host once still
 * held the previous test's closed Untitled-1 when the next test opened a new one, and the check read
 * the old text under the new editor. A file with a unique path cannot be confused with another.
 */
async function openActive(content: string, language: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  // the edit test leaves its file dirty: reverted, it closes without asking to be saved
  for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'splitreason-check-'));
  const file = path.join(dir, `solution-${++fileCount}${EXTENSIONS[language] ?? '.txt'}`);
  await fs.writeFile(file, content);
  const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(vscode.Uri.file(file)), language);
  await vscode.window.showTextDocument(doc);
  const editor = await waitFor(
    'the new editor to be active',
    () => (vscode.window.activeTextEditor?.document.uri.toString() === doc.uri.toString() ? vscode.window.activeTextEditor : undefined),
    10_000,
  );
  assert.equal(editor.document.getText(), content, 'the editor shows the text this test wrote');
  return { doc: editor.document, editor };
}

async function openAndCheck(content: string, language: string, arg?: object): Promise<{ doc: vscode.TextDocument; outcome: CheckOutcome }> {
  const { doc } = await openActive(content, language);
  const outcome = await vscode.commands.executeCommand<CheckOutcome>('splitreason.checkSolution', arg);
  assert.ok(outcome, 'the check ran');
  assert.equal(outcome.uri, doc.uri.toString(), 'the check read the document this test opened');
  return { doc, outcome };
}

describe('Check My Solution (the CAS checker in the editor)', () => {
  let api: SplitReasonApi;
  const settings = settingsPerTest();
  before(async () => {
    api = await activateExtension();
  });

  it('puts a diagnostic with the expected value on the wrong line only and a ✓ on the verified ones', async () => {
    const { doc, outcome } = await openAndCheck(SOLUTION, 'markdown');
    assert.equal(outcome.problem, 'Solve $2x + 3 = 11$.', 'the Problem: line is the problem, not a step');
    assert.deepEqual(
      outcome.steps.map((s) => [s.line, s.verdict]),
      [
        [2, 'correct'],
        [3, 'incorrect'],
        [4, 'correct'],
        [5, 'unknown'],
      ],
    );
    const diagnostics = vscode.languages.getDiagnostics(doc.uri);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.range.start.line, 3);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'SplitReason check');
    assert.match(d.message, /2x = 14 does not follow from 2x \+ 3 = 11.*Expected: x = 4$/);
    assert.deepEqual(outcome.verified, [2, 4]);
  });

  it('checks only the selection, in a LaTeX file, with the problem given', async () => {
    const content = ['\\begin{align*}', '47 \\times 86 &= 4032 \\\\', '\\end{align*}', '$3 \\cdot 4 + 5 = 12 + 5 = 17$', '$1.5 \\times 2.4 = 3.5$'].join('\n');
    const { doc, editor } = await openActive(content, 'latex');
    editor.selection = new vscode.Selection(3, 0, 4, 5);
    const outcome = await vscode.commands.executeCommand<CheckOutcome>('splitreason.checkSolution', { problem: '' });
    assert.equal(outcome?.uri, doc.uri.toString(), 'the check read the document this test opened');
    assert.deepEqual(
      outcome?.steps.map((s) => [s.line, s.verdict]),
      [
        [3, 'correct'],
        [4, 'incorrect'],
      ],
    );
    const [d, ...rest] = vscode.languages.getDiagnostics(doc.uri);
    assert.equal(rest.length, 0);
    assert.equal(d.range.start.line, 4);
    assert.equal(doc.getText(d.range), '3.5$', 'the squiggle starts at the false part of the chain');
    assert.match(d.message, /1\.5 × 2\.4 = 3\.6, not 3\.5\. Expected: 3\.6/);
  });

  it('"Explain this step" opens the panel and streams a hint request about that step', async () => {
    await settings.set(smallAlone(testModel(1), 24));
    const { doc } = await openAndCheck(SOLUTION, 'markdown');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(3, 1, 3, 2));
    const explain = actions.find((a) => a.title === 'Explain this step');
    assert.ok(explain?.command, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(
      (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(2, 1, 2, 2))).filter(
        (a) => a.title === 'Explain this step',
      ).length,
      0,
      'no action on a verified line',
    );
    const outcome = await vscode.commands.executeCommand<SolveOutcome>(explain.command.command, ...(explain.command.arguments ?? []));
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const panel = await waitFor('a panel', () => api.panels()[0]);
    const start = panel.events.find((e) => e.type === 'start');
    assert.ok(start && start.type === 'start');
    assert.match(start.problem, /Step 2: \$2x = 14\$\nStep 2 is wrong\./);
    assert.ok(
      panel.events.some((e) => e.type === 'text'),
      'the hint streamed into the panel',
    );
  });

  it('checks a notebook cell', async () => {
    const cell = new vscode.NotebookCellData(
      vscode.NotebookCellKind.Markup,
      ['Problem: Compute $47 \\times 86$.', '$47 \\times 86 = 4032$', '$4032 = 4032$'].join('\n'),
      'markdown',
    );
    const nb = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([cell]));
    await vscode.window.showNotebookDocument(nb);
    await vscode.commands.executeCommand('notebook.cell.edit');
    const editor = await waitFor(
      'the cell editor',
      () => vscode.window.activeTextEditor?.document.uri.scheme === 'vscode-notebook-cell' && vscode.window.activeTextEditor,
    );
    const outcome = await vscode.commands.executeCommand<CheckOutcome>('splitreason.checkSolution');
    assert.equal(outcome?.uri, editor.document.uri.toString());
    assert.deepEqual(
      outcome?.steps.map((s) => [s.line, s.verdict]),
      [
        [1, 'incorrect'],
        [2, 'correct'],
      ],
    );
    const [d, ...rest] = vscode.languages.getDiagnostics(editor.document.uri);
    assert.equal(rest.length, 0);
    assert.equal(d.range.start.line, 1);
    assert.match(d.message, /47 × 86 = 4042, not 4032\. Expected: 4042/);
  });

  it('editing the document clears its verdicts', async () => {
    const { doc } = await openAndCheck(SOLUTION, 'markdown');
    assert.equal(vscode.languages.getDiagnostics(doc.uri).length, 1);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(3, 0), ' ');
    await vscode.workspace.applyEdit(edit);
    await waitFor('diagnostics cleared', () => vscode.languages.getDiagnostics(doc.uri).length === 0);
  });
});
