/**
 * The tutoring features in the workbench, seen as a user sees them: Check My Solution's ✓
 * decorations and squiggle in a Markdown editor, and Tutor Me's step-by-step panel whose
 * attempts the CAS checker judges in the extension host.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerInputBox, openWorkbench, panelFrame, runFromPalette, setUserSettings, waitUntil, type UiTest } from './workbench';

const SOLUTION = ['Problem: Solve $2x + 3 = 11$.', '', '$2x + 3 = 11$', '$2x = 14$', 'So $x = 7$.', 'That is the answer.', ''].join('\n');

/** 1-based editor lines that show a ✓ after them, and those with an error squiggle (from the rendered DOM). */
const EDITOR_MARKS = `(() => {
  const editor = document.querySelector('.editor-group-container.active .monaco-editor');
  const lineOf = (el) => { const h = parseFloat(el.style.height); return Math.round(parseFloat(el.style.top) / h) + 1; };
  const ticks = [...editor.querySelectorAll('.view-lines .view-line')]
    .filter((l) => [...l.querySelectorAll('span')].some((s) => getComputedStyle(s, '::after').content.includes('✓')))
    .map(lineOf);
  const squiggles = [...editor.querySelectorAll('.view-overlays > div')]
    .filter((d) => d.querySelector('.squiggly-error'))
    .map(lineOf);
  return { ticks: ticks.sort(), squiggles: squiggles.sort() };
})()`;

export const checkDecorationsTest: UiTest = {
  title: 'Check My Solution from the palette: ✓ after the verified lines, an error squiggle on the wrong line only',
  async run(ctx) {
    const { page, server } = ctx;
    setUserSettings(server, {});
    writeFileSync(join(server.workspace, 'solution.md'), SOLUTION);
    await openWorkbench(ctx);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('solution.md');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'solution.md' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: '2x = 14' }).waitFor({ timeout: 20_000 });
    await runFromPalette(page, 'SplitReason: Check My Solution');
    const marks = await waitUntil('the ✓ decorations and the squiggle', async () => {
      const m = (await page.evaluate(EDITOR_MARKS)) as { ticks: number[]; squiggles: number[] };
      return m.ticks.length > 0 && m.squiggles.length > 0 ? m : undefined;
    });
    await page.screenshot({ path: join(ctx.artifacts, 'ui-check-my-solution.png') });
    if (JSON.stringify(marks) !== JSON.stringify({ ticks: [3, 5], squiggles: [4] }))
      throw new Error(`marks on the wrong lines: ${JSON.stringify(marks)} (expected ✓ on 3 and 5, the squiggle on 4)`);
  },
};

export const tutorMeTest: UiTest = {
  title: 'Tutor Me from the palette (toy pair): one step at a time, the attempt judged by the CAS in the host, ✓ badges on the trace',
  async run(ctx) {
    const { page, server } = ctx;
    setUserSettings(server, {});
    await openWorkbench(ctx);
    await runFromPalette(page, 'SplitReason: Tutor Me');
    await answerInputBox(page, 'Compute $47 \\times 86 - 129$.');
    const frame = panelFrame(page);
    await frame.locator('.sr-trace.sr-done').waitFor({ timeout: 120_000 });
    const tutor = frame.locator('.sr-tutor');
    await tutor.waitFor({ state: 'visible', timeout: 10_000 });
    if ((await frame.locator('.sr-tutor-step').count()) !== 0) throw new Error('a step was shown before Next');
    // a wrong attempt at the first step, judged by the checker in the extension host
    await frame.locator('.sr-tutor-input').fill('$47 \\times 86 = 4032$');
    await frame.locator('.sr-tutor-input').press('Enter');
    await frame.locator('.sr-tutor-verdict', { hasText: '✗ Not quite' }).waitFor({ timeout: 10_000 });
    await frame.locator('.sr-tutor-input').fill('$47 \\times 86 = 4042$');
    await frame.locator('.sr-tutor-input').press('Enter');
    await frame.locator('.sr-tutor-verdict', { hasText: '✓ Correct' }).waitFor({ timeout: 10_000 });
    await frame.locator('[data-tutor="next"]').press('Enter');
    await waitUntil('one step shown', async () => (await frame.locator('.sr-tutor-step').count()) === 1);
    await page.screenshot({ path: join(ctx.artifacts, 'ui-tutor-me.png') });
    // tutor off: the trace with the CAS badges on its equation lines
    await frame.locator('[data-tutor="toggle"]').press('Enter');
    const correct = await frame.locator('.sr-checks .sr-check-correct').count();
    const wrong = await frame.locator('.sr-checks .sr-check-incorrect').count();
    if (correct < 2 || wrong !== 0) throw new Error(`badges: ${correct} ✓ and ${wrong} ✗; the toy pair's two equation lines are right`);
  },
};
