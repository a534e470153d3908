/** "SplitReason: Tutor Me": a solve whose panel opens in tutor mode (one step at a time). */
import type { Panels } from './panels';
import { solveCommand } from './commands';
import type { SolveDeps, SolveOutcome } from './solveRunner';

export const TUTOR_COMMAND = 'splitreason.tutorMe';

export function tutorCommand(deps: SolveDeps, panels: Panels, arg?: unknown): Promise<SolveOutcome> {
  return solveCommand(deps, panels, arg, { tutor: true });
}
