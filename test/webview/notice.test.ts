/**
 * A notice shown instead of a trace (a problem outside the model's domain): its words and
 * buttons in the panel, a button posting only its index, and a reset clearing it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { DARK } from './themes';

const env = sharedBrowser();

test('a notice shows its message and buttons; a button sends its index; a new solve clears it', async () => {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  await p.send({ type: 'reset', problem: 'What is 37 + 48?' });
  await p.send({
    type: 'notice',
    title: 'This problem is outside what the model can do',
    message: 'The bundled demo model only does toy arithmetic of one form. <img src=x onerror="window.__pwned=1">',
    actions: ['Download Model', 'Import Hugging Face Model…', 'Solve Anyway'],
  });
  assert.equal(await p.probe('visible', '.sr-notice'), true);
  assert.match((await p.probe<string>('text', '.sr-notice-title')) ?? '', /outside what the model can do/);
  assert.equal(await p.probe('count', '.sr-notice img'), 0, 'the message is text');
  assert.deepEqual(await p.page.locator('.sr-notice vscode-button').allTextContents(), ['Download Model', 'Import Hugging Face Model…', 'Solve Anyway']);
  assert.equal(await p.probe('visible', '.sr-final'), false, 'no answer card');
  assert.deepEqual(await p.probe('tex', '.sr-problem'), [], 'the problem is shown');
  assert.match((await p.probe<string>('text', '.sr-problem')) ?? '', /What is 37 \+ 48\?/);
  await p.screenshot('notice-dark.png');
  await p.page.locator('.sr-notice vscode-button[data-notice="1"]').click();
  assert.deepEqual(
    (await p.posted()).filter((m) => m.type === 'noticeAction'),
    [{ type: 'noticeAction', index: 1 }],
  );
  await p.send({ type: 'reset', problem: 'Compute $47 \\times 86 - 129$.' });
  assert.equal(await p.probe('visible', '.sr-notice'), false);
  assert.equal(await p.pwned(), undefined);
  assert.deepEqual(await p.cspViolations(), []);
  await p.close();
});
