/** "SplitReason: Tutor Me": a solve whose panel opens in tutor mode (one step at a time). */
import type { Panels } from './panels';
import { askForProblem, type SolveArgs } from './commands';
import { runSolve, type SolveDeps, type SolveOutcome } from './solveRunner';
import { currentSettings, reportSettingProblems } from './settings';

export const TUTOR_COMMAND = 'splitreason.tutorMe';

export async function tutorCommand(deps: SolveDeps, panels: Panels, arg?: unknown): Promise<SolveOutcome> {
  const args: SolveArgs = typeof arg === 'object' && arg !== null ? (arg as SolveArgs) : {};
  const problem = typeof args.problem === 'string' && args.problem.trim() ? args.problem.trim() : await askForProblem();
  if (!problem) return { status: 'cancelled' };
  const { problems } = currentSettings();
  if (problems.length) {
    const message = reportSettingProblems(problems);
    deps.log.error(message);
    return { status: 'invalid-settings', message };
  }
  const panel = await panels.forSolve(args.ifRunning ?? 'ask');
  if (!panel) return { status: 'cancelled' };
  panel.setTutor(true);
  return runSolve(deps, panel, problem);
}
