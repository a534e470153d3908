/** The open solve panels: which one a new solve uses, and what happens when it is busy. */
import * as vscode from 'vscode';
import type { Log } from './log';
import { SolvePanel, type PanelActions } from './panel';

export type IfRunning = 'ask' | 'stop' | 'newPanel';

export class Panels implements vscode.Disposable {
  private readonly open: SolvePanel[] = [];
  private current?: SolvePanel;
  private lastEditor?: vscode.TextEditor = vscode.window.activeTextEditor;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** A panel started or stopped solving, opened or closed. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: Omit<PanelActions, 'insertTarget'>,
    private readonly log: Log,
  ) {
    this.disposables.push(
      this.changeEmitter,
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
    );
  }

  get active(): SolvePanel | undefined {
    return this.current;
  }

  get all(): readonly SolvePanel[] {
    return this.open;
  }

  get anyRunning(): boolean {
    return this.open.some((p) => p.isRunning);
  }

  /** The panel Stop applies to: the current one if it runs, else any running one, skipping those already stopping. */
  get runningPanel(): SolvePanel | undefined {
    return this.current?.isStoppable ? this.current : this.open.find((p) => p.isStoppable);
  }

  changed(): void {
    void vscode.commands.executeCommand('setContext', 'splitreason.running', this.anyRunning);
    this.changeEmitter.fire();
  }

  create(title = 'SplitReason'): SolvePanel {
    const panel = new SolvePanel(
      this.extensionUri,
      {
        ...this.actions,
        insertTarget: () => (this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined),
      },
      this.log,
      title,
    );
    this.open.push(panel);
    this.current = panel;
    panel.panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.current = panel;
    });
    panel.onDidDispose(() => {
      this.open.splice(this.open.indexOf(panel), 1);
      if (this.current === panel) this.current = this.open.at(-1);
      this.changed();
    });
    return panel;
  }

  /**
   * The panel for a new solve: the current one when it is idle; when it is solving, ask
   * whether to stop that solve or open another panel. Undefined: the user dismissed it.
   */
  async forSolve(ifRunning: IfRunning = 'ask'): Promise<SolvePanel | undefined> {
    const panel = this.current;
    if (!panel) return this.create();
    if (!panel.isRunning) {
      panel.show();
      return panel;
    }
    let choice = ifRunning;
    if (choice === 'ask') {
      const stop = 'Stop It and Solve This';
      const another = 'Open Another Panel';
      const picked = await vscode.window.showWarningMessage('SplitReason is still solving in its panel.', stop, another);
      if (!picked) return undefined;
      choice = picked === stop ? 'stop' : 'newPanel';
    }
    if (choice === 'newPanel') return this.create();
    await panel.stopAndWait();
    panel.show();
    return panel;
  }

  dispose(): void {
    for (const p of [...this.open]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
