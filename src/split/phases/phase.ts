/** The controller's states (docs/ARCHITECTURE.md §4): each phase runs one segment and says which comes next. */
import type { DoneReason, TraceEvent, Trigger } from '../events';

export type Phase =
  { name: 'small'; trigger: Trigger; insideTag: boolean } | { name: 'big'; trigger: Trigger } | { name: 'always' } | { name: 'done'; reason: DoneReason };

/** A phase streams the events of its segment and returns the next phase. */
export type PhaseRun = AsyncGenerator<TraceEvent, Phase>;
