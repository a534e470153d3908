/**
 * SplitReason: New Math Notebook, and what a cell's output carries for readers without the
 * extension: the text/markdown item, rendered by the Markdown stack VS Code itself uses
 * (markdown-it + @vscode/markdown-it-katex), has every formula typeset and the boxed answer.
 */
import { describe, it, afterEach } from 'mocha';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import MarkdownIt from 'markdown-it';
import markdownItKatex from '@vscode/markdown-it-katex';
import { TRACE_MIME } from '../../../webview/protocol';
import { activateExtension, waitFor } from './helpers';

describe('SplitReason: New Math Notebook', () => {
  afterEach(async () => {
    if (vscode.window.activeNotebookEditor) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("opens the sample problems with the SplitReason kernel; a solved cell's Markdown output reads with its math intact", async () => {
    await activateExtension();
    const doc = (await vscode.commands.executeCommand('splitreason.newNotebook')) as vscode.NotebookDocument;
    assert.equal(doc.notebookType, 'jupyter-notebook');
    assert.equal(doc.isUntitled, true, 'untitled: saving never writes into the extension');
    const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.equal(code[0]?.document.getText(), 'Compute $47 \\times 86 - 129$.');
    assert.equal(code.length, 3);
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: code[0].index, end: code[0].index + 1 }], document: doc.uri });
    await waitFor('the cell execution to end', () => code[0].executionSummary?.timing?.endTime !== undefined);
    assert.equal(code[0].executionSummary?.success, true, JSON.stringify(code[0].outputs));
    const items = code[0].outputs.flatMap((o) => o.items);
    assert.deepEqual(
      items.map((i) => i.mime),
      [TRACE_MIME, 'text/markdown', 'text/plain'],
    );
    const markdown = new TextDecoder().decode(items[1].data);
    const html = new MarkdownIt().use(markdownItKatex).render(markdown);
    assert.doesNotMatch(html, /katex-error/, markdown);
    const tex = [...html.matchAll(/<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/g)].map((m) => m[1].trim());
    assert.equal(tex[0], '47 \\times 86 - 129', 'the problem, typeset');
    assert.equal(tex.at(-1), '\\boxed{3913}', 'the boxed answer, typeset');
    assert.ok(tex.length >= 4, `the reasoning's own formulas are typeset too: ${JSON.stringify(tex)}`);
    assert.match(markdown, /⟪[^⟫]+⟫/, "the large model's part is marked");
  });
});
