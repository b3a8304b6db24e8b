/** Debian's Chromium driven by playwright-core, opening code-server's workbench. */
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CodeServer } from './codeServer.ts';

/** Flags for a headless Chromium that never reaches the network on its own. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Debian's Chromium (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
}

/** Where the workbench loads the extension under development and, optionally, its tests. */
export interface Payload {
  /** The extension's folder on the server's file system. */
  extensionDevelopmentPath?: string;
  /** The tests' bundled entry point on the server's file system. */
  extensionTestsPath?: string;
}

/** The workbench's address with the folder and the payload in its query, URL-encoded. */
export function workbenchUrl(server: CodeServer, payload: Payload = {}): string {
  const entries = Object.entries(payload)
    .filter(([, path]) => path !== undefined)
    .map(([key, path]) => [key, `vscode-remote://${server.authority}${path}`]);
  const query = new URLSearchParams({ folder: server.workspace });
  if (entries.length > 0) query.set('payload', JSON.stringify(entries));
  return `${server.address}/?${query.toString()}`;
}

/** Waits until the workbench has drawn its parts and the explorer lists the folder's files. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Opens a file of the workspace through Quick Open, as a person would, and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ state: 'visible' });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
}
