import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { openFile } from '../../../scripts/e2e/browser.ts';
import { startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { MockAnthropic } from '../../support/mockAnthropic.ts';
import { corpusDir } from '../../support/corpus.ts';
import { critiqueHedgingTurn, scratchWorkspace } from './critiqueSteps.ts';

/** Moves the cursor to `line:column` (both from 1) through "Go to Line", as a person would. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** What a person sees of the flags and of a critique: the Problems panel, a hover and the critique panel, kept as screenshots for the README. */
export const journeys: Journey[] = [
  {
    name: 'the Problems panel lists the flags of the example workspace',
    async run({ openWorkbench, artifacts }) {
      const page = await openWorkbench();
      await openFile(page, 'support-chat.transcript');
      await page.keyboard.press('Control+Shift+M');
      const markers = page.locator('.markers-panel');
      await markers.waitFor({ state: 'visible' });
      const flag = (text: string) => markers.locator('.monaco-list-row', { hasText: text }).first();
      await flag('A flattering opener').waitFor({ state: 'visible', timeout: 30_000 });
      await flag('Stacked hedges').waitFor({ state: 'visible' });
      await page.screenshot({ path: join(artifacts, 'problems-panel.png') });
      // The list draws only the rows in view, and the other files' flags may come first: the panel's
      // filter brings the transcript's own rows into view, whatever arrived before them.
      await page.locator('.part.panel input[placeholder^="Filter"]').fill('support-chat.transcript');
      await markers.locator('.monaco-list-row', { hasText: 'support-chat.transcript' }).first().waitFor({ state: 'visible' });
      await markers.locator('.monaco-list-row', { hasText: 'chats.jsonl' }).first().waitFor({ state: 'hidden' });
      assert.ok((await markers.locator('.monaco-list-row').count()) >= 5, 'the file and its four flags are listed');
    },
  },
  {
    name: 'a hover on a flagged range names the principle and its place in the order',
    async run({ openWorkbench, artifacts }) {
      const page = await openWorkbench();
      await openFile(page, 'support-chat.transcript');
      const squiggle = page.locator('.editor-instance .view-overlays [class*="squiggly-"]').first();
      await squiggle.waitFor({ state: 'visible', timeout: 30_000 });
      // Line 5 is the first answer, "Assistant: What a great question! ..."; column 15 is inside the opener.
      await goTo(page, 5, 15);
      const cursor = await page.locator('.editor-instance .cursors-layer .cursor').first().boundingBox();
      assert.ok(cursor, 'the cursor is drawn');
      await page.mouse.move(cursor.x + 2, cursor.y + cursor.height / 2);
      // The diagnostic's part of the hover may show before the server's: wait for the server's part.
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Priority:' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await hover.innerText();
      assert.match(text, /Respect the customer's time/);
      assert.match(text, /policy#no-flattery/);
      assert.match(text, /flattering-opener/);
      assert.match(text, /Priority: style \(4 of 4\); outranked by safety, honesty, helpfulness\./);
      // The finding's message shows once: in the editor's part of the hover, which shows the diagnostic.
      assert.equal(text.split('A flattering opener').length - 1, 1, text);
      await page.screenshot({ path: join(artifacts, 'hover.png') });
    },
  },
  {
    name: 'a folder holding the Model Spec flags at once, the hover quoting its clause and its authority',
    async run({ tools, root, openWorkbench, artifacts }) {
      const scratch = mkdtempSync(join(tmpdir(), 'constitution-lens-model-spec-'));
      const workspace = join(scratch, 'review');
      const stateDir = join(scratch, 'state');
      mkdirSync(workspace);
      mkdirSync(stateDir);
      // The published Model Spec where the shared corpus is at hand (copied to a scratch folder, never
      // into the project), else the stand-in with the same ids.
      const published = join(corpusDir, 'constitutions', 'openai-model-spec-2025-12-18.md');
      copyFileSync(existsSync(published) ? published : join(root, 'test', 'fixtures', 'packs', 'model_spec.md'), join(workspace, 'model_spec.md'));
      writeFileSync(
        join(workspace, 'review.transcript'),
        'User: Can you critique my haiku? "Late check-in, McRib / fries cooling on the bedspread / the ice machine hums"\n' +
          "Assistant: What a truly brilliant thing to ask! I wouldn't change a thing.\n",
      );
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        await openFile(page, 'review.transcript');
        const squiggle = page.locator('.editor-instance .view-overlays [class*="squiggly-"]').first();
        await squiggle.waitFor({ state: 'visible', timeout: 30_000 });
        // Line 2 is the answer; column 25 is inside "What a truly brilliant thing to ask".
        await goTo(page, 2, 25);
        const cursor = await page.locator('.editor-instance .cursors-layer .cursor').first().boundingBox();
        assert.ok(cursor, 'the cursor is drawn');
        await page.mouse.move(cursor.x + 2, cursor.y + cursor.height / 2);
        // The diagnostic's part of the hover names the clause too and may show first: wait for the server's part.
        const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Authority:' }).first();
        await hover.waitFor({ state: 'visible', timeout: 15_000 });
        const text = await hover.innerText();
        assert.match(text, /model_spec#avoid_sycophancy/);
        assert.match(text, /Authority: user \(4 of 5\); outranked by root, system, developer\./);
        await page.screenshot({ path: join(artifacts, 'model-spec-hover.png') });
      } finally {
        await server.stop();
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'the critique panel shows a finished critique with its findings and the revision as a diff',
    async run({ tools, root, openWorkbench, artifacts }) {
      const mock = await MockAnthropic.start({
        apiKey: 'sk-screenshot',
        answer: () => ({
          findings: [
            {
              principle: 'calibrated',
              quote: 'might possibly be',
              critique: 'Three stacked hedges (*might possibly*, *could perhaps*, *may potentially*) bury the steps. State the confidence **once**.',
              severity: 'warning',
            },
            { principle: 'answer-directly', quote: "I can't be sure of any of this", critique: 'Ends on doubt instead of a step to try.', severity: 'info' },
          ],
          revision: 'The most likely cause is the laptop’s Bluetooth driver: update it, then pair again. If it still fails, try the speaker with another device to rule out the speaker itself.',
        }),
      });
      const { workspace, stateDir } = scratchWorkspace(root, { 'constitutionLens.baseUrl': mock.url });
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        const panel = await critiqueHedgingTurn(page, 'sk-screenshot');
        assert.deepEqual(await panel.locator('button.clause').allInnerTexts(), ['calibrated', 'answer-directly']);
        assert.ok((await panel.locator('pre.revised ins').count()) > 0, 'the revision is shown as a diff');
        await page.screenshot({ path: join(artifacts, 'critique-panel-finished.png') });
      } finally {
        await server.stop();
        await mock.close();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
];
