import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile } from '../../../scripts/e2e/browser.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { MockAnthropic } from '../../support/mockAnthropic.ts';
import { runCommand } from './critiqueSteps.ts';

/** The critique panel as a person sees it, against the local Messages API. */
export const journeys: Journey[] = [
  {
    name: 'Critique Turn from the palette fills the critique panel',
    async run({ server, openWorkbench, artifacts }) {
      const mock = await MockAnthropic.start({
        apiKey: 'sk-journey',
        chunkSize: 24,
        answer: () => ({
          findings: [
            {
              principle: 'calibrated',
              quote: 'might possibly be',
              critique: 'Three stacked hedges bury the steps. State the confidence **once**, then give the steps.',
              severity: 'warning',
            },
          ],
          revision: 'The most likely cause is the laptop’s Bluetooth driver. Update it, then pair again; if it still fails, try the speaker with another device.',
        }),
      });
      const settingsDir = join(server.workspace, '.vscode');
      mkdirSync(settingsDir, { recursive: true });
      writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify({ 'constitutionLens.baseUrl': mock.url }));
      try {
        const page = await openWorkbench();
        await openFile(page, 'support-chat.transcript');
        // The in-host suite critiques the first answer (and caches it), so this journey takes the second.
        await page.locator('.view-line', { hasText: 'It might possibly' }).first().click();
        await runCommand(page, 'Constitution Lens: Set API Key');
        const key = page.locator('.quick-input-widget input[type="password"]');
        await key.waitFor({ state: 'visible' });
        await key.fill('sk-journey');
        await page.keyboard.press('Enter');
        // Toasts are hidden in this headless workbench, so the confirmation is read in the notification center.
        await runCommand(page, 'Notifications: Show Notifications');
        await page.locator('.notifications-center', { hasText: 'The API key is stored' }).waitFor({ state: 'visible' });
        await runCommand(page, 'Notifications: Clear All Notifications');
        await runCommand(page, 'Constitution Lens: Critique Turn');
        const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        await panel.locator('button', { hasText: 'Apply Revision' }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await panel.locator('button.clause', { hasText: 'calibrated' }).count(), 1);
        assert.match(await panel.locator('.critique').first().innerHTML(), /<strong>once<\/strong>/);
        await page.screenshot({ path: join(artifacts, 'critique-panel.png') });
        assert.equal(mock.requestsTo('/v1/messages').length, 1);
      } finally {
        rmSync(settingsDir, { recursive: true, force: true });
        await mock.close();
      }
    },
  },
];
