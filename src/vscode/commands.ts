/** The SplitReason commands (package.json `contributes.commands`) and their arguments. */
import * as vscode from 'vscode';
import type { Log } from './log';
import type { Panels, IfRunning } from './panels';
import type { SolvePanel } from './panel';
import { runSolve, type SolveDeps, type SolveOutcome } from './solveRunner';
import { parseTrace } from './traceFile';
import { currentSettings, reportSettingProblems } from './settings';
import { activeDomain } from './domainNotice';
import type { ModelDomain } from '../split/modelDomain';

/** `splitreason.solve` may be given the problem (and what to do if a solve runs) directly. */
export interface SolveArgs {
  problem?: string;
  ifRunning?: IfRunning;
}

/**
 * The selection, else what the student types. The input offers the editor's current line
 * (selected, so typing replaces it), and its placeholder and prompt come from the active
 * model's declared domain, so the example is one the model can solve.
 */
export async function askForProblem(domain: ModelDomain | null): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  if (selected) return selected;
  const line = editor ? editor.document.lineAt(editor.selection.active.line).text.trim() : '';
  const typed = await vscode.window.showInputBox({
    title: 'Solve with SplitReason',
    prompt: `A math problem (or select one in the editor first).${domain ? ` ${domain.description}` : ''}`,
    placeHolder: domain?.examples.length ? `e.g. ${domain.examples[0]}` : 'e.g. Solve $x^2 - 5x + 6 = 0$.',
    value: line,
    valueSelection: [0, line.length],
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Type a problem to solve'),
  });
  return typed?.trim() || undefined;
}

/** `tutor`: the panel reveals the reasoning one step at a time (SplitReason: Tutor Me); without it, all at once. */
export async function solveCommand(deps: SolveDeps, panels: Panels, arg?: unknown, opts: { tutor?: boolean } = {}): Promise<SolveOutcome> {
  const args: SolveArgs = typeof arg === 'object' && arg !== null ? (arg as SolveArgs) : {};
  const problem =
    typeof args.problem === 'string' && args.problem.trim() ? args.problem.trim() : await askForProblem(activeDomain(deps.resolveContext, deps.log));
  if (!problem) return { status: 'cancelled' };
  // Settings first: a bad value should not open (or stop) a panel.
  const { problems } = currentSettings();
  if (problems.length) {
    const message = reportSettingProblems(problems);
    deps.log.error(message);
    return { status: 'invalid-settings', message };
  }
  const panel = await panels.forSolve(args.ifRunning ?? 'ask');
  if (!panel) return { status: 'cancelled' };
  // Solve shows the solution, Tutor Me one step at a time, whatever the reused panel did before
  panel.setTutor(opts.tutor === true);
  return runSolve(deps, panel, problem);
}

export function solveAgain(deps: SolveDeps, panel: SolvePanel): void {
  if (panel.isRunning || !panel.problem) return;
  void runSolve(deps, panel, panel.problem);
}

/** Stops the running solve; false when none runs. */
export function stopCommand(panels: Panels): boolean {
  const p = panels.runningPanel;
  p?.stop();
  return p !== undefined;
}

/** Replays a saved .jsonl trace in a panel; returns the number of events shown. */
export async function openTraceCommand(panels: Panels, log: Log, arg?: unknown): Promise<number> {
  let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ title: 'Open SplitReason trace', filters: { 'SplitReason trace': ['jsonl'] }, canSelectMany: false });
    uri = picked?.[0];
  }
  if (!uri) return 0;
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const name = uri.path.split('/').pop() ?? 'trace';
    const events = parseTrace(text, name);
    const panel = panels.active && !panels.active.isRunning ? panels.active : panels.create();
    panel.panel.title = `SplitReason: ${name}`;
    panel.replay(events);
    panel.show();
    log.info(`replaying ${uri.toString()} (${events.length} events)`);
    return events.length;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(`open trace: ${message}`);
    void vscode.window.showErrorMessage(`SplitReason: cannot open the trace: ${message}`);
    return 0;
  }
}
