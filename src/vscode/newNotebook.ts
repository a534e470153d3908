/**
 * SplitReason: New Math Notebook — an untitled Jupyter notebook with the sample problems of
 * samples/math-notebook.ipynb, the SplitReason kernel selected. Untitled, so that saving
 * never writes into the extension's own folder.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTROLLER_ID } from './notebook';

export const SAMPLE_NOTEBOOK = join('samples', 'math-notebook.ipynb');

interface IpynbCell {
  cell_type: 'markdown' | 'code' | 'raw';
  source: string | string[];
}

/** The cells of an .ipynb file (nbformat 4), as notebook cell data. */
export function ipynbCells(text: string): vscode.NotebookCellData[] {
  const nb = JSON.parse(text) as { cells?: IpynbCell[] };
  return (nb.cells ?? []).map((c) => {
    const source = Array.isArray(c.source) ? c.source.join('') : c.source;
    return c.cell_type === 'markdown'
      ? new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, source, 'markdown')
      : new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'plaintext');
  });
}

export async function newNotebookCommand(extensionPath: string, extensionId: string): Promise<vscode.NotebookDocument> {
  const cells = ipynbCells(await readFile(join(extensionPath, SAMPLE_NOTEBOOK), 'utf8'));
  const doc = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData(cells));
  await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: extensionId });
  return doc;
}
