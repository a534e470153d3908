import type { TraceEvent } from '../split/events';

/**
 * What activate() returns (vscode.extensions.getExtension('splitreason.splitreason').exports).
 * Read-only views for other extensions and the integration tests; the API key itself is
 * never exposed, only whether one is stored.
 */
export interface SplitReasonApi {
  /** Events of the most recently used panel's current or last solve. */
  trace(): readonly TraceEvent[] | undefined;
  /** Every open panel, oldest first. */
  panels(): { id: number; running: boolean; events: readonly TraceEvent[] }[];
  /** True while any panel is solving. */
  running(): boolean;
  hasApiKey(): Promise<boolean>;
  /** Process ids of the small models' engine processes (diagnostics; the crash tests signal them). */
  enginePids(): Promise<number[]>;
  /** The folder of the "SplitReason" log channel's file (context.logUri). */
  readonly logFolder: string;
}
