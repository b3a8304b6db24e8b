import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openFile } from '../../../scripts/e2e/browser.ts';
import { startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { MockAnthropic } from '../../support/mockAnthropic.ts';
import { critiquePanel, reloadWindow, runCommand, scratchWorkspace, setApiKey, waitForFile, webviewTitled } from './critiqueSteps.ts';

/** Moves the cursor to `line` (from 1) through "Go to Line", as a person would. */
async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** The conversation the view shows, from its heading ("chats.jsonl · conversation 12"). */
async function shownEntry(view: FrameLocator): Promise<number> {
  const meta = await view.locator('.top .meta').innerText();
  const m = /conversation (\d+)/.exec(meta);
  assert.ok(m, `the heading names the conversation: ${meta}`);
  return Number(m[1]);
}

/** Opens `name` and its preview to the side from the editor's title bar, as a person would; resolves with the view's document. */
async function openPreviewToSide(page: Page, name: string): Promise<FrameLocator> {
  await openFile(page, name);
  await page.locator('.editor-actions .action-label[aria-label^="Open Preview to the Side"]').first().click();
  const view = critiquePanel(page);
  await view.locator('section.turn').first().waitFor({ state: 'visible', timeout: 30_000 });
  return view;
}

/** The reading view: a transcript and a dataset as conversations, flags highlighted, each action an edit of the file. */
export const journeys: Journey[] = [
  {
    name: 'the preview of the example transcript highlights a flag; clicking it selects its words in the source; Agree writes the note; Mark reviewed, Cite a clause and Critique Turn run on the turn',
    async run({ tools, root, openWorkbench, artifacts }) {
      const mock = await MockAnthropic.start({
        apiKey: 'sk-preview',
        answer: () => ({
          findings: [{ principle: 'calibrated', quote: 'might possibly be', critique: 'Three stacked hedges bury the steps.', severity: 'warning' }],
          revision: 'The most likely cause is the laptop’s Bluetooth driver. Update it, then pair again.',
        }),
      });
      const { workspace, stateDir } = scratchWorkspace(root, { 'constitutionLens.baseUrl': mock.url });
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        const view = await openPreviewToSide(page, 'support-chat.transcript');
        const mark = view.locator('mark.flag', { hasText: 'What a great question' }).first();
        await mark.waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await mark.innerText(), 'What a great question', 'the highlight is exactly the flagged words');
        assert.deepEqual(await view.locator('mark.flag').allInnerTexts(), ['What a great question', 'might possibly', 'could perhaps', 'may potentially']);
        await mark.hover();
        const card = view.locator('.card', { hasText: "Respect the customer's time" });
        await card.waitFor({ state: 'visible' });
        assert.match(await card.innerText(), /policy#no-flattery[\s\S]*clause 6 of 6 in policy[\s\S]*Priority: style \(4 of 4\)/);
        await page.screenshot({ path: join(artifacts, 'preview-transcript.png') });

        await mark.click();
        // The words are selected in the source: line 5, from column 12, 21 characters.
        await page.locator('.statusbar-item', { hasText: /Ln 5, Col 33 \(21 selected\)/ }).first().waitFor({ state: 'visible', timeout: 15_000 });

        const transcript = join(workspace, 'support-chat.transcript');
        await view.locator('.flag-line', { hasText: 'no-flattery' }).locator('vscode-button', { hasText: 'Agree' }).first().click();
        // The label is written into the editor's buffer, as the "Agree" code action writes it; saving puts it on disk.
        await page.locator('.editor-instance .view-line', { hasText: 'violates [[no-flattery]] flattering-opener' }).first().waitFor({ state: 'visible', timeout: 15_000 });
        await runCommand(page, 'File: Save All Files');
        const text = await waitForFile(transcript, (t) => t.includes('violates [[no-flattery]] flattering-opener'), 15_000);
        const lines = text.split('\n');
        assert.equal(lines[lines.indexOf('Note: violates [[no-flattery]] flattering-opener') - 1], 'Note: Correct answer, but the opener praises the question. [[no-flattery]]');
        // The view follows the file: the label shows on its turn.
        await view.locator('section.turn .label.violates', { hasText: 'violates no-flattery · flattering-opener' }).waitFor({ state: 'visible', timeout: 15_000 });

        // "Cite a clause…" on the hedging turn runs "Annotate Turn…" there: the clause is asked for, the note written.
        const hedging = view.locator('section.turn', { hasText: 'It might possibly be' });
        await hedging.locator('vscode-button', { hasText: 'Cite a clause…' }).click();
        const pick = page.locator('.quick-input-widget input');
        await pick.waitFor({ state: 'visible' });
        await pick.fill('calibrated');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'calibrated' }).first().waitFor({ state: 'visible' });
        await page.keyboard.press('Enter');
        await view.locator('section.turn', { hasText: 'It might possibly be' }).locator('.note').nth(1).locator('a.citation', { hasText: '[[calibrated]]' }).waitFor({ state: 'visible', timeout: 15_000 });

        // "Mark reviewed…" asks for the reason, as the code action does, and the review note hides the flag in the editor.
        await hedging.locator('.flag-line', { hasText: 'could perhaps' }).locator('vscode-button', { hasText: 'Mark reviewed…' }).click();
        const reason = page.locator('.quick-input-widget input');
        await reason.waitFor({ state: 'visible' });
        await reason.fill('the hedges are the point of this test');
        await page.keyboard.press('Enter');
        await hedging.locator('.label.complies', { hasText: 'reviewed stacked-hedges: the hedges are the point of this test' }).waitFor({ state: 'visible', timeout: 15_000 });
        assert.equal(await hedging.locator('.flag-line.reviewed').count(), 3, 'the three hedges of the rule are reviewed');

        // "Critique Turn" on that turn runs the editor's critique of it: the panel streams the findings and the revision.
        await setApiKey(page, 'sk-preview');
        await hedging.locator('vscode-button', { hasText: 'Critique Turn' }).click();
        // The preview stays open beside the panel, so the panel is found by its page's title.
        const panel = await webviewTitled(page, 'Critique');
        await panel.locator('button', { hasText: 'Apply Revision' }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await panel.locator('button.clause', { hasText: 'calibrated' }).count(), 1);
        assert.equal(mock.requestsTo('/v1/messages').length, 1);
      } finally {
        await server.stop();
        await mock.close();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
  {
    name: 'the preview of a dataset lists its conversations with their flags, filters them by clause and opens one',
    async run({ openWorkbench, artifacts }) {
      const page = await openWorkbench();
      const view = await openPreviewToSide(page, 'chats.jsonl');
      const rows = view.locator('.list .row');
      await rows.nth(3).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await rows.count(), 4);
      const clause = view.locator('vscode-single-select[data-filter="clause"]');
      await clause.click();
      // The select draws its options in its shadow root, as VS Code's own dropdown does.
      await clause.locator('li.option', { hasText: 'calibrated' }).first().click();
      await view.locator('.count', { hasText: '1 of 4 conversations' }).waitFor({ state: 'visible' });
      assert.deepEqual(await rows.locator('.title').allInnerTexts(), ['Why is my speaker quiet?']);
      await rows.first().click();
      await view.locator('mark.flag', { hasText: 'could perhaps' }).waitFor({ state: 'visible' });
      await page.screenshot({ path: join(artifacts, 'preview-dataset.png') });
    },
  },
  {
    name: 'the preview of a long dataset draws only the rows in sight, follows the source both ways, and comes back after a reload',
    async run({ tools, root, openWorkbench, artifacts }) {
      const { workspace, stateDir } = scratchWorkspace(root, {});
      // Six hundred conversations: the example's four, over and over.
      const four = readFileSync(join(root, 'examples', 'chats.jsonl'), 'utf8').trimEnd().split('\n');
      writeFileSync(join(workspace, 'long.jsonl'), `${Array.from({ length: 600 }, (_, i) => four[i % 4]).join('\n')}\n`);
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        const view = await openPreviewToSide(page, 'long.jsonl');
        await view.locator('.count', { hasText: '600 of 600 conversations' }).waitFor({ state: 'visible', timeout: 30_000 });
        const drawn = await view.locator('.list .row').count();
        assert.ok(drawn > 5 && drawn < 60, `only the rows in sight are drawn (${drawn})`);

        // The source scrolls: the view shows the conversation at the top of the editor.
        await page.locator('.editor-instance .view-lines').first().click({ position: { x: 5, y: 5 } });
        await goToLine(page, 400);
        await view.locator('.top .meta', { hasText: /conversation (3[5-9]\d)/ }).waitFor({ state: 'visible', timeout: 15_000 });
        const followed = await shownEntry(view);
        assert.ok(followed >= 350 && followed <= 399, `the view shows the conversation at the editor's top (${followed})`);

        // "Next flagged" skips the unflagged fourth of every four.
        const from = await shownEntry(view);
        await view.locator('vscode-button', { hasText: 'Next flagged' }).click();
        const expected = from % 4 === 2 ? from + 2 : from + 1;
        await view.locator('.top .meta', { hasText: `conversation ${expected}` }).waitFor({ state: 'visible' });
        await page.screenshot({ path: join(artifacts, 'preview-long-dataset.png') });

        await reloadWindow(page);
        const restored = critiquePanel(page);
        await restored.locator('.top .meta', { hasText: `conversation ${expected}` }).waitFor({ state: 'visible', timeout: 30_000 });
        await restored.locator('.count', { hasText: '600 of 600 conversations' }).waitFor({ state: 'visible', timeout: 30_000 });

        // A conversation chosen in the list with the keyboard brings the source to it: the first, at the top.
        const list = restored.locator('.list');
        // The list brought the restored conversation's row into sight.
        await restored.locator('.list .row.current', { hasText: `#${expected}` }).waitFor({ state: 'visible' });
        await list.press('Home');
        await list.press('Enter');
        await restored.locator('.top .meta', { hasText: /conversation 0$/ }).waitFor({ state: 'visible' });
        await page.waitForFunction(
          () => Math.min(...[...document.querySelectorAll('.editor-instance .margin-view-overlays .line-numbers')].map((n) => Number(n.textContent))) === 1,
          undefined,
          { timeout: 15_000 },
        );
      } finally {
        await server.stop();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
];
