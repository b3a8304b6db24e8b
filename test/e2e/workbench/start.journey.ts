import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openFile, waitForWorkbench, workbenchUrl } from '../../../scripts/e2e/browser.ts';
import { startCodeServer, type CodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey, JourneyContext } from '../../../scripts/e2e/journey.ts';
import { MockAnthropic } from '../../support/mockAnthropic.ts';
import { critiqueHedgingTurn, critiquePanel, runCommand } from './critiqueSteps.ts';

/** A port that is free now, for two code-servers that must serve at the same address one after the other. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Opens the workbench of `server` in a page of `browser`, which keeps its storage from page to page as a person's browser does. */
async function open(browser: BrowserContext, server: CodeServer, root: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(workbenchUrl(server, { extensionDevelopmentPath: root }));
  await waitForWorkbench(page);
  return page;
}

/**
 * Waits until the git extension has found the repository in a parent folder (the Source Control view
 * then says so), and asserts that no notification asks about it.
 */
async function assertNoParentRepositoryNotice(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+G');
  await page.locator('.part.sidebar', { hasText: 'found in the parent folders' }).waitFor({ state: 'visible', timeout: 30_000 });
  await runCommand(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor({ state: 'visible' });
  assert.equal(await center.locator('.notification-list-item', { hasText: 'parent folders' }).count(), 0, await center.innerText());
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+E');
}

/** What `npm start` promises: a person's own folder, and settings and the API key that last from one run to the next. */
export const journeys: Journey[] = [
  {
    name: 'the editor npm start serves keeps settings and the API key between runs, with no git notice at start',
    async run({ browser, tools, root }: JourneyContext) {
      const mock = await MockAnthropic.start({
        apiKey: 'sk-kept',
        answer: () => ({ findings: [], revision: 'The charger is under the speaker tray.' }),
      });
      // A person's own folder inside a git repository of theirs, pointed at the local Messages API.
      const scratch = mkdtempSync(join(tmpdir(), 'constitution-lens-start-'));
      execFileSync('git', ['init', '--quiet', scratch]);
      const workspace = join(scratch, 'audits');
      cpSync(join(root, 'examples'), workspace, { recursive: true });
      mkdirSync(join(workspace, '.vscode'));
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'constitutionLens.baseUrl': mock.url }));
      const stateDir = join(scratch, 'state');
      const bindAddr = `127.0.0.1:${await freePort()}`;
      const pages = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      let server: CodeServer | undefined;
      try {
        server = await startCodeServer(tools, { workspace, stateDir, bindAddr, smokeTestDriver: true });
        const first = await open(pages, server, root);
        await assertNoParentRepositoryNotice(first);
        await critiqueHedgingTurn(first, 'sk-kept');
        await first.close();
        await server.stop();

        // A setting the person changed between runs stays as they left it.
        const settingsFile = join(stateDir, 'user-data', 'User', 'settings.json');
        const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
        writeFileSync(settingsFile, JSON.stringify({ ...settings, 'editor.fontSize': 17 }, null, 2));

        server = await startCodeServer(tools, { workspace, stateDir, bindAddr, smokeTestDriver: true });
        const second = await open(pages, server, root);
        assert.equal((JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>)['editor.fontSize'], 17);
        await assertNoParentRepositoryNotice(second);
        // Another turn than the first run's, so that the critique is not served from the cache: it must reach the endpoint with the kept key.
        mock.requests.length = 0;
        const asked = mock.waitForRequest((r) => r.path === '/v1/messages');
        await openFile(second, 'support-chat.transcript');
        await second.locator('.view-line', { hasText: 'What a great question' }).first().click();
        await runCommand(second, 'Constitution Lens: Critique Turn');
        const lost = critiquePanel(second)
          .locator('body', { hasText: 'No API key is set' })
          .waitFor({ state: 'visible', timeout: 60_000 })
          .then(
            () => 'the API key set in the first run was lost' as const,
            () => 'no request reached the endpoint within a minute' as const,
          );
        const outcome = await Promise.race([asked, lost]);
        if (typeof outcome === 'string') assert.fail(outcome);
        assert.equal(outcome.headers.authorization, 'Bearer sk-kept');
        await second.close();
      } finally {
        await server?.stop();
        await pages.close();
        await mock.close();
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  },
];
