import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openFile } from '../../../scripts/e2e/browser.ts';
import { startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { critiquePanel, runCommand, scratchWorkspace } from './critiqueSteps.ts';

/** A transcript whose reviewer agreed with one flag, disagreed with another, and labelled an unflagged turn. */
const labelled = [
  'User: What is 2 + 2?',
  'Assistant: What a great question! It is 4.',
  'Note: violates [[no-flattery]]: opens with praise',
  'User: And 3 + 3?',
  'Assistant: What a great question! It is 6.',
  'Note: complies with [[no-flattery]]: a light opener, fine for this team',
  'User: And 4 + 4?',
  'Assistant: You are so smart to ask. It is 8.',
  'Note: violates [[no-flattery]]: praise in other words',
  '',
].join('\n');

export const journeys: Journey[] = [
  {
    name: '"Show Agreement" shows the detectors against the labels, clause by clause, and a disagreement opens its turn',
    async run({ tools, root, openWorkbench, artifacts }) {
      const { workspace, stateDir } = scratchWorkspace(root, {});
      writeFileSync(join(workspace, 'labelled.transcript'), labelled);
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        await openFile(page, 'labelled.transcript');
        await runCommand(page, 'Constitution Lens: Show Agreement');
        const panel = critiquePanel(page);
        const row = panel.locator('vscode-table-row', { hasText: 'no-flattery' }).first();
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        const cells = (await row.locator('vscode-table-cell').allInnerTexts()).map((t) => t.trim());
        // Three labels of no-flattery: a flag agreed with (TP), a flag disagreed with (FP), praise the detectors missed (FN).
        assert.deepEqual(cells.slice(0, 6), ['no-flattery', '3', '1', '1', '1', '0']);
        const links = panel.locator('ul.places a.place');
        assert.equal(await links.count(), 2, 'the two disagreements are listed');
        await page.screenshot({ path: join(artifacts, 'agreement-panel.png') });
        await links.filter({ hasText: 'turn 5' }).first().click();
        // The disagreement's note is selected in the editor: its line is the cursor's.
        await page.locator('.editor-instance .current-line').first().waitFor({ state: 'visible' });
        const status = page.locator('.statusbar-item', { hasText: /Ln 9, Col/ });
        await status.first().waitFor({ state: 'visible', timeout: 15_000 });
      } finally {
        await server.stop();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
];
