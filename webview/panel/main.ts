/**
 * The solve panel (bundled to dist/webview/panel.js). Host messages feed the trace view;
 * rendering happens at most once per animation frame, however many event batches arrived.
 */
import { PROTOCOL_VERSION, type HostToWebview, type WebviewToHost } from '../protocol';
import { TraceView } from '../render/traceView';
import { createToolbar } from './actions';
import { clearNotice, renderNotice } from './notice';
import { TutorView } from '../tutor/tutorView';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const traceEl = document.getElementById('sr-trace');
const toolbarEl = document.getElementById('sr-toolbar');
if (!traceEl || !toolbarEl) {
  throw new Error('panel.js: the page has no #sr-trace or #sr-toolbar element; build the page with panelHtml() from webview/panel/html.ts');
}

const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost): void => vscode.postMessage(m);
const view = new TraceView(traceEl);
const noticeEl = document.createElement('div');
noticeEl.className = 'sr-notice';
noticeEl.setAttribute('role', 'alert');
noticeEl.hidden = true;
traceEl.append(noticeEl);
let running = false;
const toolbar = createToolbar(toolbarEl, post, () => ({
  problem: view.model.problem,
  rawText: view.model.rawText,
  answer: view.model.done?.answer ?? null,
}));

const tutor = new TutorView(document.body, post);
toolbarEl.append(tutor.toggle);
toolbarEl.after(tutor.el);

/** Rendering time per frame; a bigger backlog continues in the next frame. */
const FRAME_BUDGET_MS = 12;

let scheduled = false;
const schedule = (): void => {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    if (view.flush(FRAME_BUDGET_MS)) schedule();
    const m = view.model;
    tutor.update({ problem: m.problem, rawText: m.rawText, done: m.done !== null });
    toolbar.update({
      running,
      hasProblem: m.problem.trim().length > 0,
      hasText: m.rawText.length > 0,
      hasEvents: m.eventCount > 0,
    });
  });
};

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = e.data;
  if (typeof msg !== 'object' || msg === null) return;
  const m = msg as { type?: unknown; events?: unknown; problem?: unknown; running?: unknown; title?: unknown; message?: unknown; actions?: unknown };
  switch (m.type) {
    case 'events':
      if (Array.isArray(m.events)) view.apply(m.events);
      break;
    case 'reset':
      view.reset(typeof m.problem === 'string' ? m.problem : '');
      clearNotice(noticeEl);
      tutor.reset();
      break;
    case 'notice':
      renderNotice(noticeEl, m, post);
      break;
    case 'tutor':
      tutor.setOn((msg as { on?: unknown }).on === true);
      break;
    case 'tutorVerdict':
      tutor.verdictArrived(msg as Extract<HostToWebview, { type: 'tutorVerdict' }>);
      return;
    case 'state':
      running = m.running === true;
      break;
    default:
      return;
  }
  schedule();
});

schedule();
post({ type: 'ready', version: PROTOCOL_VERSION });
