/**
 * The solve panel on the host side: one webview panel beside the editor, the trace events
 * it shows, and the actions its toolbar sends (webview/protocol.ts). The webview is
 * untrusted: every message is checked before it is acted on.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { TraceEvent } from '../split/events';
import type { HostToWebview, WebviewToHost } from '../../webview/protocol';
import { panelHtml } from '../../webview/panel/html';
import { serializeTrace } from './traceFile';
import { checkAttempt } from '../math';
import type { Log } from './log';
import type { SolveNotice } from './domainNotice';
import type { SolveRun } from './solveRunner';

export const PANEL_VIEW_TYPE = 'splitreason.panel';

export interface PanelActions {
  stop(panel: SolvePanel): void;
  solveAgain(panel: SolvePanel): void;
  /** The editor that "Insert into editor" writes to (the panel itself has focus when clicked). */
  insertTarget(): vscode.TextEditor | undefined;
}

let nextId = 1;

export class SolvePanel implements vscode.Disposable {
  readonly id = nextId++;
  readonly panel: vscode.WebviewPanel;
  /** Everything shown since the last reset: what Save trace writes and a reload replays. */
  events: TraceEvent[] = [];
  problem?: string;
  /** Shown instead of a trace until the next reset (its actions run here, by index). */
  private shownNotice?: SolveNotice;
  private running = false;
  private current?: { abort: AbortController; finished: Promise<void> };
  private ready = false;
  private tutor = false;
  private outbox: TraceEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    private readonly log: Log,
    title: string,
  ) {
    const roots = [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
    this.panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: roots,
        // The webview asks for a replay ('ready') when it reloads, so its DOM need not be kept.
        retainContextWhenHidden: false,
      },
    );
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      this.panel.onDidDispose(() => this.dispose()),
      this.disposeEmitter,
    );
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Running, and not yet asked to stop. */
  get isStoppable(): boolean {
    return this.running && this.current !== undefined && !this.current.abort.signal.aborted;
  }

  /**
   * Starts a solve in this panel. Events go through the returned run, so that a run that
   * was stopped and is still winding down can neither write into its successor's trace nor
   * mark the panel idle under it.
   */
  begin(problem: string): SolveRun {
    this.current?.abort.abort();
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const run = { abort: new AbortController(), finished };
    this.current = run;
    this.problem = problem;
    this.reset(problem);
    this.setRunning(true);
    const live = (): boolean => this.current === run && !this.disposed;
    return {
      signal: run.abort.signal,
      push: (event) => {
        if (live()) this.push(event);
      },
      end: () => {
        if (live()) {
          this.flush();
          this.current = undefined;
          this.setRunning(false);
        }
        finish();
      },
    };
  }

  stop(): void {
    this.current?.abort.abort();
  }

  /** Stops the running solve and waits until it has wound down. */
  async stopAndWait(): Promise<void> {
    const run = this.current;
    run?.abort.abort();
    await run?.finished;
  }

  /** Shows a notice instead of a trace for `problem` (the panel must not be solving). */
  notice(problem: string, notice: SolveNotice): void {
    this.problem = problem;
    this.reset(problem);
    this.shownNotice = notice;
    this.postNotice();
  }

  private postNotice(): void {
    const n = this.shownNotice;
    if (n) this.post({ type: 'notice', title: n.title, message: n.message, actions: n.actions.map((a) => a.label) });
  }

  /** Shows a saved trace (the panel must not be solving). */
  replay(events: readonly TraceEvent[]): void {
    const start = events.find((e) => e.type === 'start');
    this.problem = start?.type === 'start' ? start.problem : undefined;
    this.reset(this.problem);
    for (const e of events) this.push(e);
  }

  private reset(problem?: string): void {
    this.shownNotice = undefined;
    this.events = [];
    this.outbox = [];
    this.post({ type: 'reset', ...(problem !== undefined ? { problem } : {}) });
  }

  /** Queues an event; they reach the webview in batches (one message per ~30 ms). */
  private push(event: TraceEvent): void {
    this.events.push(event);
    this.outbox.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), 30);
  }

  /**
   * Brings the panel to the front where it is. Revealing it in another column (e.g.
   * "beside" the active group, when that group is the panel's own) re-opens it there as a
   * preview tab, which the next editor opened in that group replaces, disposing the panel.
   */
  show(): void {
    this.panel.reveal(undefined, true);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.ready || this.outbox.length === 0) return;
    const events = this.outbox;
    this.outbox = [];
    this.post({ type: 'events', events });
  }

  private setRunning(running: boolean): void {
    this.running = running;
    this.post({ type: 'state', running });
  }

  private post(message: HostToWebview): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    if (typeof raw !== 'object' || raw === null) return;
    const m = raw as WebviewToHost;
    try {
      switch (m.type) {
        case 'ready':
          // (Re)loaded webview: replay the whole state.
          this.ready = true;
          this.outbox = [];
          this.post({ type: 'reset', ...(this.problem !== undefined ? { problem: this.problem } : {}) });
          if (this.events.length) this.post({ type: 'events', events: [...this.events] });
          this.post({ type: 'state', running: this.running });
          if (this.tutor) this.post({ type: 'tutor', on: true });
          this.postNotice();
          return;
        case 'noticeAction':
          if (Number.isSafeInteger(m.index)) this.shownNotice?.actions[m.index]?.run();
          return;
        case 'stop':
          this.actions.stop(this);
          return;
        case 'solveAgain':
          this.actions.solveAgain(this);
          return;
        case 'copy':
          if (typeof m.text !== 'string' || (m.format !== 'markdown' && m.format !== 'latex')) return;
          await vscode.env.clipboard.writeText(m.text);
          void vscode.window.setStatusBarMessage(`SplitReason: copied as ${m.format === 'latex' ? 'LaTeX' : 'Markdown'}`, 3000);
          return;
        case 'insert':
          if (typeof m.text !== 'string') return;
          await this.insert(m.text);
          return;
        case 'saveTrace':
          await this.saveTrace();
          return;
        case 'tutorCheck':
          this.judgeAttempt(m);
          return;
      }
    } catch (e) {
      this.log.error(`panel action ${String(m.type)} failed: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`SplitReason: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Tutor mode on or off in the webview (kept across webview reloads). */
  setTutor(on: boolean): void {
    this.tutor = on;
    this.post({ type: 'tutor', on });
  }

  /** The webview's tutor posts the student's attempt; the CAS checker runs here, in the host. */
  private judgeAttempt(m: Extract<WebviewToHost, { type: 'tutorCheck' }>): void {
    if (!Number.isSafeInteger(m.id) || typeof m.problem !== 'string' || typeof m.attempt !== 'string' || !Array.isArray(m.steps)) return;
    const steps = m.steps.filter((x): x is string => typeof x === 'string');
    const c = checkAttempt(m.problem, steps, m.attempt);
    this.post({ type: 'tutorVerdict', id: m.id, verdict: c.verdict, message: c.message, ...(c.expected !== undefined ? { expected: c.expected } : {}) });
  }

  private async insert(text: string): Promise<void> {
    const editor = this.actions.insertTarget();
    if (editor) {
      // After a selection (usually the problem that was solved), never over it.
      const sel = editor.selection;
      const at = sel.isEmpty ? sel.active : sel.end;
      const lead = sel.isEmpty || at.character === 0 ? '' : '\n\n';
      await editor.edit((b) => b.insert(at, lead + text));
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
      return;
    }
    // No editor to write into: a new Markdown document holds it.
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  }

  /** Writes the events as .jsonl; returns the file (the tests call the command form). */
  async saveTrace(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (this.events.length === 0) {
      void vscode.window.showInformationMessage('SplitReason: nothing to save yet.');
      return undefined;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: 'Save SplitReason trace',
        filters: { 'SplitReason trace': ['jsonl'] },
        defaultUri: folder ? vscode.Uri.joinPath(folder, `splitreason-trace-${stamp}.jsonl`) : undefined,
      }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serializeTrace(this.events)));
    this.log.info(`trace saved to ${uri.toString()} (${this.events.length} events)`);
    return uri;
  }

  private html(): string {
    const w = this.panel.webview;
    const at = (...p: string[]): string => w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return panelHtml({
      cspSource: w.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: at('dist', 'webview', 'panel.js'),
      styleUris: [at('dist', 'webview', 'katex', 'katex.min.css'), at('dist', 'webview', 'panel.css')],
      title: 'SplitReason',
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.current?.abort.abort();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.disposeEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
