import * as vscode from 'vscode';

export type EngineState = 'idle' | 'loading' | 'solving' | 'error';

/** Status bar item: small model, device and state; a click opens the actions quick pick. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('splitreason.status', vscode.StatusBarAlignment.Right, 100);
  private model = 'toy';
  private device = '—';
  private state: EngineState = 'idle';
  private detail = '';

  constructor() {
    this.item.name = 'SplitReason';
    this.item.command = 'splitreason.showActions';
    this.render();
    this.item.show();
  }

  update(change: { model?: string; device?: string; state?: EngineState; detail?: string }): void {
    this.model = change.model ?? this.model;
    this.device = change.device ?? this.device;
    this.state = change.state ?? this.state;
    this.detail = change.detail ?? (change.state ? '' : this.detail);
    this.render();
  }

  private render(): void {
    const icon = { idle: '$(sparkle)', loading: '$(loading~spin)', solving: '$(sync~spin)', error: '$(warning)' }[this.state];
    this.item.text = `${icon} SplitReason: ${this.model} · ${this.device} · ${this.state}`;
    const state = `State: ${this.state}${this.detail ? ` — ${this.detail}` : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**SplitReason**\n\nSmall model: \`${this.model}\`\n\nDevice: \`${this.device}\`\n\n${state}\n\nClick for actions.`,
    );
    this.item.backgroundColor = this.state === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** The status bar's quick pick: every SplitReason action in one place. */
export async function showActions(running: boolean): Promise<void> {
  const items: (vscode.QuickPickItem & { command: string })[] = [
    running
      ? { label: '$(debug-stop) Stop solving', command: 'splitreason.stop' }
      : { label: '$(play) Solve with SplitReason', description: 'selection or a typed problem', command: 'splitreason.solve' },
    { label: '$(cloud-download) Download a model', command: 'splitreason.downloadModel' },
    { label: '$(server) Configure the large model', command: 'splitreason.configureLargeModel' },
    { label: '$(key) Set API key', command: 'splitreason.setApiKey' },
    { label: '$(history) Open a saved trace', command: 'splitreason.openTrace' },
    { label: '$(settings-gear) Settings', command: 'workbench.action.openSettings', description: 'splitreason.*' },
    { label: '$(output) Show log', command: 'splitreason.showLog' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'SplitReason', placeHolder: 'Choose an action' });
  if (!pick) return;
  if (pick.command === 'workbench.action.openSettings') await vscode.commands.executeCommand(pick.command, '@ext:splitreason.splitreason');
  else await vscode.commands.executeCommand(pick.command);
}
