/**
 * The end-to-end harness (`npm run test:e2e [name filter]`): builds the extension and its tests, runs
 * the tests of test/e2e/suite/ inside code-server's extension host, then the workbench journeys of
 * test/e2e/workbench/ in Chromium. Screenshots and logs of failures are kept in test/e2e/artifacts/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, waitForWorkbench, workbenchUrl } from './browser.ts';
import { startCodeServer, type CodeServer } from './codeServer.ts';
import { ensureCodeServer, root, type Tools } from './ensureCodeServer.mjs';
import type { Journey, JourneyContext } from './journey.ts';

const artifacts = join(root, 'test', 'e2e', 'artifacts');
const suiteDir = join(root, 'test', 'e2e', 'suite');
const suiteOut = join(root, 'out', 'e2e', 'suite', 'index.js');
const journeysDir = join(root, 'test', 'e2e', 'workbench');
const filter = process.argv.slice(2).join(' ');
const hostTimeoutMs = 240_000;

class Skip extends Error {}

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Bundles the in-host tests into one CommonJS file whose `run` VS Code calls. */
async function buildSuite(): Promise<void> {
  const tests = readdirSync(suiteDir).filter((f) => f.endsWith('.test.ts')).sort();
  const contents = [...tests.map((f) => `import './${f}';`), `export { run } from './index.ts';`].join('\n');
  await esbuild.build({
    stdin: { contents, resolveDir: suiteDir, sourcefile: 'suite.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    outfile: suiteOut,
    logLevel: 'warning',
    // As for the product's bundles (esbuild.mjs): jsonc-parser's ES module build, which bundles cleanly.
    mainFields: ['module', 'main'],
  });
}

/** Runs the in-host tests through the smoke-test driver and returns their counts. */
async function runInHost(browser: Browser, server: CodeServer, report: string): Promise<Totals> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const log: string[] = [];
  let settle: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (settle = resolve));
  // The workbench looks for these functions when it starts, so they are exposed before navigating.
  await page.exposeFunction('codeAutomationLog', (level: string, message: string) => log.push(`[${level}] ${message}`));
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
    for (const file of logs ?? []) log.push(`--- ${file.relativePath}\n${file.contents}`);
    settle(code);
  });
  page.on('console', (message) => log.push(`[page ${message.type()}] ${message.text()}`));
  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), hostTimeoutMs).unref());
  await page.goto(workbenchUrl(server, { extensionDevelopmentPath: root, extensionTestsPath: suiteOut }));
  const code = await Promise.race([exited, timeout]);

  const output = existsSync(report) ? readFileSync(report, 'utf8') : '';
  process.stdout.write(output);
  const counts = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(output);
  const totals: Totals = counts
    ? { passed: Number(counts[1]), failed: Number(counts[2]), skipped: Number(counts[3]) }
    : { passed: 0, failed: 1, skipped: 0 };
  if (code !== 0 || totals.failed > 0) {
    if (code === -1) console.log(`not ok - the extension host tests did not finish within ${hostTimeoutMs / 1000} s`);
    else if (code !== 0) console.log(`not ok - the extension host tests exited with ${code}`);
    totals.failed = Math.max(totals.failed, 1);
    await page.screenshot({ path: join(artifacts, 'extension-host-failure.png') }).catch(() => {});
    writeFileSync(join(artifacts, 'extension-host.log'), log.join('\n'));
    console.log(`Screenshot and log: ${join(artifacts, 'extension-host-failure.png')}, extension-host.log`);
  }
  await page.close();
  return totals;
}

async function loadJourneys(): Promise<Journey[]> {
  if (!existsSync(journeysDir)) return [];
  const files = readdirSync(journeysDir).filter((f) => f.endsWith('.journey.ts')).sort();
  const journeys: Journey[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(journeysDir, file)).href)) as { journeys: Journey[] };
    journeys.push(...module.journeys);
  }
  return journeys.filter((j) => j.name.includes(filter));
}

/** Runs the workbench journeys one after the other, keeping a screenshot of each page of a failed one. */
async function runJourneys(browser: Browser, server: CodeServer, tools: Tools): Promise<Totals> {
  const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
  const journeys = await loadJourneys();
  let index = 0;
  for (const journey of journeys) {
    index += 1;
    const pages: Page[] = [];
    const context: JourneyContext = {
      browser,
      server,
      tools,
      root,
      artifacts,
      async openWorkbench(target = server, withExtension = target === server) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        pages.push(page);
        await page.goto(workbenchUrl(target, withExtension ? { extensionDevelopmentPath: root } : {}));
        await waitForWorkbench(page);
        return page;
      },
      skip(reason: string): never {
        throw new Skip(reason);
      },
    };
    const started = performance.now();
    try {
      await journey.run(context);
      totals.passed += 1;
      console.log(`ok ${index} - workbench: ${journey.name} (${seconds(started)})`);
    } catch (error) {
      if (error instanceof Skip) {
        totals.skipped += 1;
        console.log(`ok ${index} - workbench: ${journey.name} # SKIP ${error.message}`);
      } else {
        totals.failed += 1;
        console.log(`not ok ${index} - workbench: ${journey.name} (${seconds(started)})`);
        console.log(String(error instanceof Error ? error.stack : error).replace(/^/gm, '  '));
        for (const [i, page] of pages.entries()) {
          const path = join(artifacts, `${slug(journey.name)}-failure-${i + 1}.png`);
          await page.screenshot({ path }).catch(() => {});
          console.log(`  screenshot: ${path}`);
        }
      }
    } finally {
      for (const page of pages) await page.close().catch(() => {});
    }
  }
  return totals;
}

async function main(): Promise<number> {
  const started = performance.now();
  const tools = ensureCodeServer();
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) return 1;
  await buildSuite();
  mkdirSync(artifacts, { recursive: true });

  const scratch = mkdtempSync(join(tmpdir(), 'constitution-lens-e2e-'));
  const workspace = join(scratch, 'examples');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  const report = join(scratch, 'report.txt');
  const serverLog: string[] = [];
  const server = await startCodeServer(tools, {
    workspace,
    stateDir: join(scratch, 'state'),
    smokeTestDriver: true,
    env: { CONSTITUTION_LENS_E2E_FILTER: filter, CONSTITUTION_LENS_E2E_REPORT: report },
    onOutput: (line) => serverLog.push(line),
  });
  console.log(`code-server ${server.address} (ready in ${seconds(started)})`);
  let browser: Browser | undefined;
  const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
  try {
    browser = await launchChromium();
    const host = await runInHost(browser, server, report);
    const journeys = await runJourneys(browser, server, tools);
    for (const key of ['passed', 'failed', 'skipped'] as const) totals[key] = host[key] + journeys[key];
    // Unfiltered, each half must have executed something: a half that ran nothing, or skipped all, checked nothing.
    for (const [half, counts] of [['extension host tests', host], ['workbench journeys', journeys]] as const) {
      if (filter === '' && counts.passed + counts.failed === 0) {
        console.log(`not ok - no ${half} ran (${counts.skipped} skipped)`);
        totals.failed += 1;
      }
    }
  } catch (error) {
    console.log(`not ok - the harness failed: ${error instanceof Error ? error.stack : error}`);
    totals.failed += 1;
  } finally {
    await browser?.close();
    await server.stop();
    if (totals.failed > 0) writeFileSync(join(artifacts, 'code-server.log'), serverLog.join('\n'));
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`End-to-end tests took ${seconds(started)}.`);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  // A run in which no test executed, every one skipped or none matched, checked nothing: it fails.
  if (totals.passed + totals.failed === 0) console.log('not ok - no end-to-end test ran');
  return totals.failed > 0 || totals.passed + totals.failed === 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
