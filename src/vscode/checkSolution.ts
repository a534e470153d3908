/**
 * "SplitReason: Check My Solution": the CAS checker (src/math) on the active editor or its
 * selection. Wrong steps become diagnostics with the expected value, verified steps get a ✓
 * after the line, and each diagnostic offers "Explain this step", which solves a hint request
 * in the panel like any other problem.
 */
import * as vscode from 'vscode';
import { SolutionChecker, hintProblem, type StepCheck } from '../math';

export const CHECK_COMMAND = 'splitreason.checkSolution';
const SOURCE = 'SplitReason check';
const PROBLEM_LINE = /^\s*(?:[#>*_\s]*)problem\s*[:.]\s*(?:\*\*|__)?\s*(.*)$/i;

/** `splitreason.checkSolution` may be given the problem directly (else a `Problem:` line, else it asks). */
export interface CheckArgs {
  problem?: string;
}

/** What a check found, line numbers 0-based in the document (the tests read this). */
export interface CheckOutcome {
  uri: string;
  problem: string;
  steps: { line: number; verdict: StepCheck['verdict']; expected?: string; message: string }[];
  /** Lines that got a ✓. */
  verified: number[];
}

interface Explainable {
  range: vscode.Range;
  hint: string;
}

export class SolutionCheck implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('splitreason-check');
  private readonly verified = vscode.window.createTextEditorDecorationType({
    after: { contentText: ' ✓', color: new vscode.ThemeColor('testing.iconPassed'), fontWeight: 'bold' },
  });
  private readonly explainable = new Map<string, Explainable[]>();
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      this.diagnostics,
      this.verified,
      vscode.languages.registerCodeActionsProvider({ scheme: '*' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      // Edited text is no longer what was checked: drop the verdicts rather than show stale ones.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.clear(e.document.uri);
      }),
    ];
  }

  async run(arg?: unknown): Promise<CheckOutcome | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('SplitReason: open the solution to check in an editor first (one step a line).');
      return undefined;
    }
    const doc = editor.document;
    const range = editor.selection.isEmpty
      ? new vscode.Range(0, 0, doc.lineCount, 0)
      : new vscode.Range(editor.selection.start.line, 0, editor.selection.end.line + 1, 0);
    const given = typeof arg === 'object' && arg !== null ? (arg as CheckArgs).problem : undefined;
    const lines: { line: number; text: string }[] = [];
    let problem = typeof given === 'string' ? given.trim() : undefined;
    for (let i = range.start.line; i < Math.min(range.end.line, doc.lineCount); i++) {
      const text = doc.lineAt(i).text;
      if (!text.trim() || /^\s*(```|~~~|\$\$\s*$)/.test(text)) continue;
      const p = PROBLEM_LINE.exec(text);
      if (p && problem === undefined) {
        problem = p[1].replace(/(\*\*|__)\s*$/, '').trim();
        continue;
      }
      lines.push({ line: i, text });
    }
    if (problem === undefined) {
      problem = await vscode.window.showInputBox({
        title: 'Check My Solution',
        prompt: 'The problem this solution answers (its equation is what the first step must match); leave empty to check the steps alone',
        placeHolder: 'e.g. Solve 2x + 3 = 11',
        ignoreFocusOut: true,
      });
      if (problem === undefined) return undefined;
    }
    const checker = new SolutionChecker(problem);
    const steps = lines.map((l) => ({ ...l, check: checker.check(l.text) }));
    const diagnostics: vscode.Diagnostic[] = [];
    const explain: Explainable[] = [];
    const ticks: vscode.Range[] = [];
    steps.forEach((s, k) => {
      const textLine = doc.lineAt(s.line);
      if (s.check.verdict === 'correct') ticks.push(new vscode.Range(s.line, textLine.text.length, s.line, textLine.text.length));
      if (s.check.verdict !== 'incorrect') return;
      const from = Math.max(s.check.falseFrom ?? textLine.firstNonWhitespaceCharacterIndex, textLine.firstNonWhitespaceCharacterIndex);
      const where = new vscode.Range(s.line, from, s.line, textLine.text.trimEnd().length);
      const d = new vscode.Diagnostic(
        where,
        s.check.expected ? `${s.check.message} Expected: ${s.check.expected}` : s.check.message,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = SOURCE;
      d.code = 'incorrect-step';
      diagnostics.push(d);
      explain.push({ range: where, hint: hintProblem({ problem, steps: steps.map((x) => x.text.trim()), index: k, check: s.check }) });
    });
    this.diagnostics.set(doc.uri, diagnostics);
    this.explainable.set(doc.uri.toString(), explain);
    editor.setDecorations(this.verified, ticks);
    const wrong = diagnostics.length;
    const right = ticks.length;
    vscode.window.setStatusBarMessage(
      `SplitReason: ${right} step${right === 1 ? '' : 's'} verified, ${wrong} wrong, ${steps.length - right - wrong} not checkable`,
      8000,
    );
    return {
      uri: doc.uri.toString(),
      problem,
      steps: steps.map((s) => ({ line: s.line, verdict: s.check.verdict, expected: s.check.expected, message: s.check.message })),
      verified: ticks.map((r) => r.start.line),
    };
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    return (this.explainable.get(document.uri.toString()) ?? [])
      .filter((e) => e.range.intersection(range) !== undefined || e.range.start.line === range.start.line)
      .map((e) => {
        const action = new vscode.CodeAction('Explain this step', vscode.CodeActionKind.QuickFix);
        action.command = { command: 'splitreason.solve', title: 'Explain this step', arguments: [{ problem: e.hint }] };
        action.diagnostics = this.diagnostics.get(document.uri)?.filter((d) => d.range.isEqual(e.range));
        return action;
      });
  }

  private clear(uri: vscode.Uri): void {
    if (!this.explainable.has(uri.toString())) return;
    this.diagnostics.delete(uri);
    this.explainable.delete(uri.toString());
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri.toString()) editor.setDecorations(this.verified, []);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
