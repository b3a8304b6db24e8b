/**
 * Steps of the critique journeys, as a person takes them in the workbench: commands from the palette,
 * the API key prompt, the critique panel's frame, and a workspace of its own pointed at the local
 * Messages API.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openFile, waitForWorkbench } from '../../../scripts/e2e/browser.ts';

/**
 * Opens the example transcript, puts the cursor in the hedging turn, stores the key and runs
 * "Critique Turn"; resolves with the panel once the critique has finished.
 */
export async function critiqueHedgingTurn(page: Page, key: string): Promise<FrameLocator> {
  await openFile(page, 'support-chat.transcript');
  await page.locator('.view-line', { hasText: 'It might possibly' }).first().click();
  await setApiKey(page, key);
  await runCommand(page, 'Constitution Lens: Critique Turn');
  const panel = critiquePanel(page);
  await panel.locator('button', { hasText: 'Apply Revision' }).waitFor({ state: 'visible', timeout: 30_000 });
  return panel;
}

/** Runs a command from the palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Stores the key through "Set API Key" and waits for the confirmation in the notification center. */
export async function setApiKey(page: Page, key: string): Promise<void> {
  await runCommand(page, 'Constitution Lens: Set API Key');
  const input = page.locator('.quick-input-widget input[type="password"]');
  await input.waitFor({ state: 'visible' });
  await input.fill(key);
  await page.keyboard.press('Enter');
  // Toasts are hidden in this headless workbench, so the confirmation is read in the notification center.
  await runCommand(page, 'Notifications: Show Notifications');
  await page.locator('.notifications-center', { hasText: 'The API key is stored' }).waitFor({ state: 'visible' });
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/**
 * Reloads the window as "Developer: Reload Window" does. Unlike a reload of the page, it lets the
 * workbench save its state first (editors, webview state, the extension's workspace state), as a
 * person's reload does.
 */
export async function reloadWindow(page: Page): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 30_000 });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await waitForWorkbench(page);
}

/** The document inside the critique panel's webview, when it is the one webview open. */
export function critiquePanel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * The document inside the webview whose page is titled `title`, once there is one: for when several
 * webviews are open at once (a preview and the critique panel beside it), which `critiquePanel`
 * cannot tell apart.
 */
export async function webviewTitled(page: Page, title: string, timeout = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of await page.locator('iframe.webview.ready').all()) {
      const name = await frame.getAttribute('name', { timeout: 1_000 }).catch(() => null);
      if (!name) continue;
      const inner = page.frameLocator(`iframe.webview.ready[name="${name}"]`).frameLocator('iframe#active-frame');
      // A webview swaps its inner frame while it loads, so a title read can find no frame: that
      // webview is asked again on the next round rather than ending the search.
      const found = await inner
        .locator('head > title')
        .first()
        .textContent({ timeout: 1_000 })
        .catch(() => undefined);
      if (found === title) return inner;
    }
    if (Date.now() > deadline) throw new Error(`no webview titled "${title}" opened within ${timeout} ms`);
    await page.waitForTimeout(100);
  }
}

/** A fresh copy of examples/ whose workspace settings hold `settings`, for a code-server of its own. */
export function scratchWorkspace(root: string, settings: Record<string, unknown>): { workspace: string; stateDir: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'constitution-lens-journey-'));
  const workspace = join(scratch, 'examples');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings));
  const stateDir = join(scratch, 'state');
  mkdirSync(stateDir);
  return { workspace, stateDir };
}

/** Resolves with a file's text once `ready(text)` holds, watching its folder rather than sleeping. */
export function waitForFile(path: string, ready: (text: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const read = () => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    const settle = () => {
      const text = read();
      if (text === undefined || !ready(text)) return false;
      watcher.close();
      clearTimeout(timer);
      resolve(text);
      return true;
    };
    const watcher = watch(dirname(path), () => void settle());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} was not written within ${timeoutMs / 1000} s (it holds: ${JSON.stringify(read() ?? null)})`));
    }, timeoutMs);
    settle();
  });
}
