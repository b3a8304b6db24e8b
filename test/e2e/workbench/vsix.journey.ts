import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFile } from '../../../scripts/e2e/browser.ts';
import { installExtension, startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';

const scratch = mkdtempSync(join(tmpdir(), 'constitution-lens-vsix-'));
let packaged: { vsix: string; printed: string; stateDir: string; listed: string[] } | undefined;

/**
 * The tests share one .vsix, made by `npm run package` (from the bundles just built and tested) and
 * installed into a fresh extensions folder the first time it is asked for.
 */
function installed(tools: Parameters<typeof installExtension>[0], root: string): NonNullable<typeof packaged> {
  if (!packaged) {
    const vsix = join(scratch, 'constitution-lens.vsix');
    const made = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--no-build', '--out', vsix], { cwd: root, encoding: 'utf8' });
    assert.equal(made.status, 0, `${made.stdout}${made.stderr}`);
    const stateDir = join(scratch, 'state');
    packaged = { vsix, printed: made.stdout, stateDir, listed: installExtension(tools, vsix, stateDir) };
  }
  return packaged;
}

/** The files of a .vsix (a zip), as paths inside the extension's folder. */
function vsixFiles(vsix: string): string[] {
  const list = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  return list.stdout
    .split('\n')
    .filter((entry) => entry.startsWith('extension/') && !entry.endsWith('/'))
    .map((entry) => entry.slice('extension/'.length));
}

/** A finding as `check --format json` reports it, as far as the journey reads it. */
interface CliFinding {
  path: string;
  turn: number;
  rule: string;
  severity: string;
}

/**
 * The findings of the installed extension's own command line in `folder`. A crash, or output that is
 * not a report, throws: it must fail the journey, never read as a folder without flags.
 */
function cliFindings(extensionDir: string, folder: string): CliFinding[] {
  const cli = join(extensionDir, 'dist', 'cli.js');
  const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json', folder], { encoding: 'utf8' });
  // 0: no error-level finding; 1: some. Anything else is a usage error, an unreadable input or a crash.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${cli} check exited with ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  try {
    return (JSON.parse(result.stdout) as { findings: CliFinding[] }).findings;
  } catch (error) {
    throw new Error(`${cli} check wrote no JSON report (${(error as Error).message}):\n${result.stdout.slice(0, 500)}\n${result.stderr}`);
  }
}

/** The folder the installed extension was unpacked into, under the extensions folder of `stateDir`. */
function extensionDirIn(stateDir: string, id: string): string {
  const extensions = join(stateDir, 'extensions');
  const found = readdirSync(extensions).filter((name) => name.toLowerCase().startsWith(`${id.toLowerCase()}-`));
  assert.equal(found.length, 1, `one folder for ${id} in ${extensions}: ${readdirSync(extensions).join(', ')}`);
  return join(extensions, found[0]);
}

/** Journeys of the packaged extension, as users install it. */
export const journeys: Journey[] = [
  {
    name: 'npm run package names the .vsix it wrote and the command that installs it',
    async run({ tools, root }) {
      const { vsix, printed } = installed(tools, root);
      assert.ok(printed.includes(`Packaged ${vsix}\n`), printed);
      assert.ok(printed.includes(`code --install-extension ${vsix}\n`), printed);
    },
  },
  {
    name: 'the .vsix holds the bundles and no sources, source maps, tests or fixtures',
    async run({ tools, root }) {
      const files = vsixFiles(installed(tools, root).vsix);
      // Every bundle and every webview's style sheet, so that a panel added later is packaged too.
      const bundles = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js')).map((f) => `dist/${f}`);
      const webviews = readdirSync(join(root, 'dist', 'media')).filter((f) => f.endsWith('.js')).map((f) => `dist/media/${f}`);
      const styles = readdirSync(join(root, 'media')).filter((f) => f.endsWith('.css')).map((f) => `media/${f}`);
      for (const needed of ['package.json', 'dist/client.js', 'dist/server.js', 'dist/media/panel.js', 'media/panel.css', ...bundles, ...webviews, ...styles, 'constitutions/starter.constitution.md', 'syntaxes/transcript.tmLanguage.json']) {
        assert.ok(files.includes(needed), `${needed} is in the .vsix: ${files.join(', ')}`);
      }
      const strays = files.filter((f) => /\.(ts|mts|tsx|map)$/.test(f) || /^(test|examples|server|client|scripts|bench|node_modules|media\/src|media\/screenshots)\//.test(f));
      assert.deepEqual(strays, [], `files that should not ship: ${strays.join(', ')}`);
    },
  },
  {
    name: 'the .vsix installs with --install-extension and is listed',
    async run({ tools, root }) {
      const { listed } = installed(tools, root);
      const manifest = (await import('../../../package.json', { with: { type: 'json' } })).default;
      assert.ok(listed.includes(`${manifest.publisher}.${manifest.name}@${manifest.version}`), `listed: ${listed.join(', ')}`);
    },
  },
  {
    name: 'the installed .vsix flags a turn of the example transcript',
    async run({ tools, root, openWorkbench, artifacts }) {
      const workspace = join(scratch, 'examples');
      cpSync(join(root, 'examples'), workspace, { recursive: true });
      try {
        const { stateDir } = installed(tools, root);
        const manifest = (await import('../../../package.json', { with: { type: 'json' } })).default;
        // The packaged command line flags the example transcript as the example policy says:
        // praise of the question opening the first answer, stacked hedges in the second.
        const flags = cliFindings(extensionDirIn(stateDir, `${manifest.publisher}.${manifest.name}`), workspace)
          .filter((f) => f.path.endsWith('support-chat.transcript'))
          .map((f) => `${f.turn} ${f.rule} ${f.severity}`);
        assert.ok(flags.includes('2 flattering-opener info'), flags.join('; '));
        assert.ok(flags.includes('4 stacked-hedges warning'), flags.join('; '));
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
