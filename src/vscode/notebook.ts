/**
 * The "SplitReason" notebook kernel for Jupyter notebooks: running a cell solves the cell's
 * text as a math problem. The trace streams into the cell's output as TRACE_MIME holding
 * `{ version, events }` (webview/protocol.ts NotebookTraceData: an object, because the .ipynb
 * format reads a top-level JSON array back as lines of text), which the contributed renderer
 * (webview/notebook/renderer.ts, package.json `notebookRenderer`) typesets like the panel;
 * beside it, text/markdown carries the whole reasoning with its math (src/split/traceMarkdown.ts)
 * and text/plain the answer, for viewers without the renderer (Jupyter, GitHub).
 */
import * as vscode from 'vscode';
import type { TraceEvent } from '../split/events';
import { NOTEBOOK_TRACE_VERSION, TRACE_MIME, type NotebookTraceData } from '../../webview/protocol';
import { runSolve, type SolveDeps, type SolveRun } from './solveRunner';
import type { SolveNotice } from './domainNotice';
import { traceMarkdown } from '../split/traceMarkdown';
import { writeDelayMs } from './outputThrottle';

export const CONTROLLER_ID = 'splitreason.kernel';

export function createNotebookController(deps: SolveDeps): vscode.Disposable {
  const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, 'jupyter-notebook', 'SplitReason');
  controller.description = "solves each cell's text as a math problem";
  // No supportedLanguages: VS Code would skip every other cell (a notebook's default Python
  // cell) without a word. executeCell says what to change instead.
  controller.supportsExecutionOrder = true;
  // Each notebook counts its runs from [1], as a Jupyter kernel does per notebook.
  const order = new WeakMap<vscode.NotebookDocument, number>();
  controller.executeHandler = async (cells) => {
    // One cell after another, as a kernel runs them.
    for (const cell of cells) {
      const n = (order.get(cell.notebook) ?? 0) + 1;
      order.set(cell.notebook, n);
      await executeCell(controller, deps, cell, n);
    }
  };
  return controller;
}

async function executeCell(controller: vscode.NotebookController, deps: SolveDeps, cell: vscode.NotebookCell, order: number): Promise<void> {
  const execution = controller.createNotebookCellExecution(cell);
  execution.executionOrder = order;
  execution.start(Date.now());
  await execution.clearOutput();
  const language = cell.document.languageId;
  if (!SOLVABLE_LANGUAGES.includes(language)) {
    await execution.replaceOutput(errorOutput(wrongLanguageMessage(language)));
    execution.end(false, Date.now());
    return;
  }
  const problem = cell.document.getText().trim();
  if (!problem) {
    await execution.replaceOutput(errorOutput('the cell is empty: write a math problem in it and run it again'));
    execution.end(false, Date.now());
    return;
  }
  const target = new CellTarget(execution);
  const outcome = await runSolve(deps, target, problem);
  await target.written;
  // Settings or model errors come before any event: the cell says what to fix.
  if (outcome.status === 'error' || outcome.status === 'invalid-settings') {
    if (!target.began) await execution.replaceOutput(errorOutput(outcome.message));
  }
  const success = outcome.status === 'done' && outcome.reason !== 'error' && outcome.reason !== 'cancelled';
  execution.end(success, Date.now());
}

/** Cell languages whose text is a problem to solve (Markdown and Plain Text named in the message). */
export const SOLVABLE_LANGUAGES: readonly string[] = ['markdown', 'plaintext', 'latex'];

export function wrongLanguageMessage(language: string): string {
  return (
    `this cell is ${language} code, and the SplitReason kernel solves math problems written as text: ` +
    "set the cell's language to Markdown or Plain Text (click the language name at the cell's bottom right) and run it again."
  );
}

function errorOutput(message: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'SplitReason', message })]);
}

let nextId = 1;

/** A solve target (solveRunner.ts) that writes the trace into one cell execution's output. */
class CellTarget {
  /** Negative: never the id of a panel. */
  readonly id = -nextId++;
  began = false;
  /** Settles when every output write has been applied (writes run one after another). */
  written: Promise<void> = Promise.resolve();
  private readonly events: TraceEvent[] = [];
  private timer?: NodeJS.Timeout;
  /** Pause before the next write: grows with the output's size (outputThrottle.ts). */
  private delay = writeDelayMs(0);

  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  /** A cell has no buttons: the notice becomes its error, naming the commands. */
  notice(_problem: string, notice: SolveNotice): void {
    const message = `${notice.title}. ${notice.message} (Command Palette: ${notice.actions
      .filter((a) => a.label !== 'Solve Anyway')
      .map((a) => `SplitReason: ${a.label}`)
      .join(', ')}.)`;
    this.written = this.written
      .then(() => this.execution.replaceOutput(errorOutput(message)))
      .then(
        () => undefined,
        () => undefined,
      );
  }

  begin(): SolveRun {
    this.began = true;
    const abort = new AbortController();
    const sub = this.execution.token.onCancellationRequested(() => abort.abort());
    return {
      signal: abort.signal,
      push: (event) => {
        this.events.push(event);
        this.timer ??= setTimeout(() => this.write(), this.delay);
      },
      end: () => {
        sub.dispose();
        this.write();
      },
    };
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const { output, bytes } = traceOutput(this.events);
    this.delay = writeDelayMs(bytes);
    this.written = this.written
      .then(() => this.execution.replaceOutput(output))
      .then(
        () => undefined,
        () => undefined, // the cell or notebook was closed: nothing left to write to
      );
  }
}

function traceOutput(events: TraceEvent[]): { output: vscode.NotebookCellOutput; bytes: number } {
  const done = events.filter((e) => e.type === 'done').at(-1);
  const summary = !done
    ? 'SplitReason is solving…'
    : done.answer !== null && done.reason === 'eos'
      ? `Answer: ${done.answer}`
      : `No final answer (${done.reason})`;
  const markdown = traceMarkdown(events);
  const items = [
    vscode.NotebookCellOutputItem.json(traceData(events), TRACE_MIME),
    vscode.NotebookCellOutputItem.text(markdown, 'text/markdown'),
    vscode.NotebookCellOutputItem.text(summary),
  ];
  const bytes = items.reduce((n, item) => n + item.data.byteLength, 0);
  return { output: new vscode.NotebookCellOutput(items), bytes };
}

export function traceData(events: TraceEvent[]): NotebookTraceData {
  return { version: NOTEBOOK_TRACE_VERSION, events };
}
