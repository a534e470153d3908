/**
 * Messages between the VS Code host (src/vscode) and the solve panel webview.
 * Types only, so the host can `import type` them without pulling browser code.
 */
import type { TraceEvent } from '../src/split/events';
import type { Verdict } from '../src/math/verdict';

/** Bumped when a message changes shape; the webview reports it in `ready`. */
export const PROTOCOL_VERSION = 1;

export type HostToWebview =
  /** Trace events in stream order; the host batches them (one message per animation frame or so). */
  | { type: 'events'; events: TraceEvent[] }
  /** Clears the panel for a new solve or a replayed trace. */
  | { type: 'reset'; problem?: string }
  /** Whether a solve is running: enables Stop, disables Solve again. */
  | { type: 'state'; running: boolean }
  /** Instead of a trace (e.g. a problem outside the model's domain): a card with action buttons. */
  | { type: 'notice'; title: string; message: string; actions: string[] }
  /** Tutor mode on or off (webview/tutor). */
  | { type: 'tutor'; on: boolean }
  /** The CAS checker's verdict on the student's attempt `id`. */
  | { type: 'tutorVerdict'; id: number; verdict: Verdict; message: string; expected?: string };

export type CopyFormat = 'markdown' | 'latex';

export type WebviewToHost =
  /** The webview has loaded and listens; the host may now send (or resend) events. */
  | { type: 'ready'; version: number }
  | { type: 'stop' }
  | { type: 'solveAgain' }
  /** The webview builds the text; the host writes it to the clipboard. */
  | { type: 'copy'; format: CopyFormat; text: string }
  /** Markdown of the solution (the part after `</think>`, or the boxed answer) for the active editor. */
  | { type: 'insert'; text: string }
  /** The host holds the events and writes them as `.jsonl`. */
  | { type: 'saveTrace' }
  /** A notice's button, by its index in the notice's `actions`: the host knows what each does. */
  | { type: 'noticeAction'; index: number }
  /** Tutor mode: judge the student's attempt after the steps shown so far. */
  | { type: 'tutorCheck'; id: number; problem: string; steps: string[]; attempt: string };

/**
 * The mime type of a notebook cell's trace output: the kernel (src/vscode/notebook.ts) writes it,
 * the renderer (webview/notebook/renderer.ts) reads it, and package.json's notebookRenderer
 * contribution names it (test/vscode/traceMime.test.ts keeps the three equal).
 */
export const TRACE_MIME = 'application/vnd.splitreason.trace+json';

/**
 * What a notebook cell's TRACE_MIME output holds. An object: the
 * .ipynb format stores a JSON mime bundle's object as it is but reads a top-level array back as
 * lines of text, so a bare array of events did not survive a save. The renderer still reads a
 * bare array (outputs written before version 1, while a notebook stays open).
 */
export interface NotebookTraceData {
  version: number;
  events: TraceEvent[];
}
export const NOTEBOOK_TRACE_VERSION = 1;
