import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openFile } from '../../../scripts/e2e/browser.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';

/** Moves the cursor to `line:column` (both from 1) through "Go to Line", as a person would. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** What a person sees of the flags: the Problems panel and a hover, kept as screenshots for the README. */
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
      await markers.locator('.monaco-list-row', { hasText: 'support-chat.transcript' }).first().waitFor({ state: 'visible' });
      assert.ok((await markers.locator('.monaco-list-row').count()) >= 5, 'the file and its four flags are listed');
      await page.screenshot({ path: join(artifacts, 'problems-panel.png') });
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
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: "Respect the customer's time" }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await hover.innerText();
      assert.match(text, /policy#no-flattery/);
      assert.match(text, /flattering-opener/);
      assert.match(text, /Priority: style \(4 of 4\); outranked by safety, honesty, helpfulness\./);
      await page.screenshot({ path: join(artifacts, 'hover.png') });
    },
  },
];
