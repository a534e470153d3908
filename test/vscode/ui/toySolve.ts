/**
 * The main job with nothing configured: the bundled toy pair (toy-small offloading to toy-big
 * as a local large model), the learned policy, a toy problem typed into the palette. Run
 * against the development extension and against the installed VSIX.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { answerInputBox, openWorkbench, panelFrame, runFromPalette, setUserSettings, waitUntil, type UiTest } from './workbench';

const [A, B, C] = [47, 86, 129];
const PROBLEM = `Compute $${A} \\times ${B} - ${C}$.`;
const EXPECTED = A * B - C;

/** Every SplitReason log file the server's extension hosts wrote. */
function readLogs(scratch: string): string {
  const root = join(scratch, 'user-data', 'logs');
  if (!existsSync(root)) return '';
  return readdirSync(root)
    .flatMap((session) => readdirSync(join(root, session)).map((host) => join(root, session, host, 'splitreason.splitreason', 'SplitReason.log')))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

export const toySolveTest: UiTest = {
  title: `palette, default settings (toy pair, learned policy): "${PROBLEM}" gets an offloaded step and the boxed answer ${EXPECTED}`,
  async run(ctx) {
    setUserSettings(ctx.server, {});
    await openWorkbench(ctx);
    await runFromPalette(ctx.page, 'SplitReason: Solve with SplitReason');
    await answerInputBox(ctx.page, PROBLEM);
    const frame = panelFrame(ctx.page);
    await frame.locator('.sr-trace.sr-done').waitFor({ timeout: 120_000 });
    await ctx.page.screenshot({ path: join(ctx.artifacts, `ui-toy-${ctx.extension}.png`) });
    const errors = await frame.locator('.sr-note.sr-error').allTextContents();
    if (errors.length) throw new Error(`the panel shows errors: ${JSON.stringify(errors)}`);
    const offloaded = frame.locator('.sr-seg.sr-big[data-seg]');
    if ((await offloaded.count()) === 0) throw new Error('no offloaded segment in the panel');
    if (!(await offloaded.allTextContents()).some((t) => t.trim() !== '')) throw new Error('the offloaded segments show no text');
    const tex = await frame.locator('.sr-final .sr-final-math annotation[encoding="application/x-tex"]').textContent({ timeout: 10_000 });
    if (tex?.trim() !== `\\boxed{${EXPECTED}}`) throw new Error(`the panel's answer is ${JSON.stringify(tex)}, expected \\boxed{${EXPECTED}}`);
    // The models came from the extension itself (the installed folder, for the VSIX).
    const models = join(ctx.extensionRoot, 'models');
    await waitUntil('both bundled models in the log', async () => {
      const log = readLogs(ctx.server.scratch);
      return log.includes(`loading small model ${join(models, 'toy-small')}`) && log.includes(`local large model: ${join(models, 'toy-big')}`);
    });
  },
};
