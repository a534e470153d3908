/**
 * Notebook output renderer for `application/vnd.splitreason.trace+json` (NotebookTraceData:
 * `{ version, events }`; a bare array of events from before version 1 is read too): the same
 * TraceView as the solve panel, rendered in one pass. Bundled as ESM to
 * dist/webview/notebookRenderer.js; VS Code loads it in the notebook's webview.
 */
import { TraceView } from '../render/traceView';
import { TRACE_MIME } from '../protocol';

/** The parts of VS Code's notebook renderer API this renderer uses (vscode-notebook-renderer). */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  json(): unknown;
}
export interface RendererContext {
  readonly workspace?: { readonly isTrusted: boolean };
}

/**
 * Next to this bundle: VS Code's notebook webview serves a renderer only the folder of its
 * entrypoint (a file elsewhere in the extension is refused), so the build copies
 * media/panel.css here.
 */
const STYLESHEETS = ['./katex/katex.min.css', './panel.css'];

/** Settles when each stylesheet has loaded or failed: rendering waits, so no unstyled flash. */
const loaded = new Map<string, Promise<void>>();

/** KaTeX's stylesheet (and through it its fonts) and the panel's. */
function ensureStyles(): Promise<void> {
  return Promise.all(
    STYLESHEETS.map((rel) => {
      const href = new URL(rel, import.meta.url).href;
      let done = loaded.get(href);
      if (!done) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        done = new Promise<void>((resolve) => {
          link.addEventListener('load', () => resolve(), { once: true });
          link.addEventListener('error', () => resolve(), { once: true }); // the trace still renders, unstyled
        });
        loaded.set(href, done);
        document.head.append(link);
      }
      return done;
    }),
  ).then(() => undefined);
}

/** The events of an output: `{ events: [...] }`, or a bare array (outputs written before version 1). */
export function traceEvents(data: unknown): unknown[] | null {
  if (Array.isArray(data)) return data;
  if (typeof data === 'object' && data !== null && Array.isArray((data as { events?: unknown }).events)) return (data as { events: unknown[] }).events;
  return null;
}

export function renderTrace(data: unknown, element: HTMLElement): void {
  const root = document.createElement('div');
  root.className = 'sr-notebook';
  const events = traceEvents(data);
  if (!events) {
    root.className = 'sr-notebook sr-note sr-error';
    root.textContent = `SplitReason: this output is not a trace. Expected ${TRACE_MIME} to hold a JSON object { "events": [...] } of trace events.`;
    element.replaceChildren(root);
    return;
  }
  const view = new TraceView(root);
  view.apply(events);
  view.model.stream.end();
  view.flush();
  element.replaceChildren(root);
}

export const activate = (_ctx: RendererContext) => ({
  async renderOutputItem(item: OutputItem, element: HTMLElement): Promise<void> {
    await ensureStyles();
    let events: unknown;
    try {
      events = item.json();
    } catch (e) {
      element.textContent = `SplitReason: the output is not valid JSON (${e instanceof Error ? e.message : String(e)}).`;
      return;
    }
    renderTrace(events, element);
  },
  disposeOutputItem(): void {
    // Nothing to release: a rendered trace holds no timers or listeners outside its element.
  },
});
