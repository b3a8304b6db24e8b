import * as assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { scratchWorkspace } from './critiqueSteps.ts';

/** What a person sees of an Inspect log: the list of its samples, then a sample's view with its flags. */
export const journeys: Journey[] = [
  {
    name: 'an Inspect .eval log opens as its list of samples, and a sample as a read-only view with its flags, and in the preview',
    async run({ tools, root, openWorkbench, artifacts }) {
      const { workspace, stateDir } = scratchWorkspace(root, {});
      copyFileSync(join(root, 'test', 'fixtures', 'workspaces', 'inspect', 'popularity-flagged.eval'), join(workspace, 'popularity-flagged.eval'));
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        // The explorer picks an editor by the contributions it knows, so the file is opened once the extension is up.
        await page.locator('.statusbar-item', { hasText: 'policy' }).first().waitFor({ state: 'visible', timeout: 60_000 });
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'popularity-flagged.eval' }).first().dblclick();
        const list = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        const sample = list.locator('a', { hasText: 'Sample 2, epoch 1' });
        await sample.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await list.locator('body').innerText(), /3 samples[\s\S]*Sample 2, epoch 1 · \d+ flags?/);
        await page.screenshot({ path: join(artifacts, 'eval-samples.png') });
        await sample.click();
        await page.locator('.tabs-container .tab.active[aria-label^="2_epoch_1.json"]').waitFor({ state: 'visible', timeout: 30_000 });
        const squiggle = page.locator('.editor-instance .view-overlays [class*="squiggly-"]').first();
        await squiggle.waitFor({ state: 'visible', timeout: 30_000 });
        await page.screenshot({ path: join(artifacts, 'eval-sample-view.png') });
        // The sample's view reads as a conversation in the preview, like any document.
        await page.locator('.editor-actions .action-label[aria-label^="Open Preview to the Side"]').first().click();
        const preview = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
        const answer = preview.locator('section.turn.role-assistant').first();
        await answer.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await answer.innerText(), /Great question! As an AI language model/);
        // The note's citation names no clause, as the editor's squiggle says.
        await answer.locator('a.citation.unknown', { hasText: '[[no-such-clause]]' }).waitFor({ state: 'visible' });
        assert.equal(await preview.locator('.top h1').innerText(), 'popularity-flagged.eval/samples/2_epoch_1.json');
      } finally {
        await server.stop();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
];
