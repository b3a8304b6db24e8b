import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFile } from '../../../scripts/e2e/browser.ts';
import { installExtension, startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { packageVsix } from '../../../scripts/package.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'constitution-lens-vsix-'));
let packaged: { vsix: string; stateDir: string; listed: string[] } | undefined;

/** The tests share one .vsix, made and installed into a fresh extensions folder the first time it is asked for. */
function installed(tools: Parameters<typeof installExtension>[0]): NonNullable<typeof packaged> {
  if (!packaged) {
    const vsix = packageVsix({ out: join(scratch, 'constitution-lens.vsix'), quiet: true, build: false });
    const stateDir = join(scratch, 'state');
    packaged = { vsix, stateDir, listed: installExtension(tools, vsix, stateDir) };
  }
  return packaged;
}

/** Counts the CLI's findings in a folder; the flag journey waits for the server only where the CLI finds some. */
function cliFindings(root: string, folder: string): number {
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', '--format', 'json', folder], { encoding: 'utf8' });
  try {
    return (JSON.parse(result.stdout) as { findings: unknown[] }).findings.length;
  } catch {
    return 0;
  }
}

/** Journeys of the packaged extension, as users install it. */
export const journeys: Journey[] = [
  {
    name: 'the .vsix installs with --install-extension and is listed',
    async run({ tools }) {
      const { listed } = installed(tools);
      const manifest = (await import('../../../package.json', { with: { type: 'json' } })).default;
      assert.ok(listed.includes(`${manifest.publisher}.${manifest.name}@${manifest.version}`), `listed: ${listed.join(', ')}`);
    },
  },
  {
    name: 'the installed .vsix flags a turn of the example transcript',
    async run({ tools, root, openWorkbench, skip, artifacts }) {
      const workspace = join(scratch, 'examples');
      cpSync(join(root, 'examples'), workspace, { recursive: true });
      try {
        if (cliFindings(root, workspace) === 0) skip('the command line finds no flags in examples/ yet');
        const { stateDir } = installed(tools);
        const server = await startCodeServer(tools, { workspace, stateDir });
        try {
          const page = await openWorkbench(server, false);
          await openFile(page, 'support-chat.transcript');
          const problems = page.locator('.statusbar-item#status\\.problems');
          await problems.waitFor({ state: 'visible' });
          await page.waitForFunction(
            () => /(?:Errors|Warnings|Infos?): [1-9]/.test(document.querySelector('#status\\.problems')?.getAttribute('aria-label') ?? ''),
            undefined,
            { timeout: 30_000 },
          );
          await page.locator('.editor-instance .view-overlays [class*="squiggly-"]').first().waitFor({ state: 'visible', timeout: 30_000 });
          await page.screenshot({ path: join(artifacts, 'vsix-flags.png') });
        } finally {
          await server.stop();
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  },
];
