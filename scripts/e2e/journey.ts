/** The shape of a workbench journey: a test that drives code-server's page in Chromium with Playwright. */
import type { Browser, Page } from 'playwright-core';
import type { CodeServer } from './codeServer.ts';
import type { Tools } from './ensureCodeServer.mjs';

/** What a journey receives. */
export interface JourneyContext {
  /** The shared Chromium. */
  browser: Browser;
  /** A code-server with a fresh copy of examples/ open and the extension under development loaded. */
  server: CodeServer;
  /** Node 24, code-server and vsce. */
  tools: Tools;
  /** The project's root folder. */
  root: string;
  /** The folder for screenshots and logs, test/e2e/artifacts/. */
  artifacts: string;
  /** Opens the workbench of `server` (or of another code-server) in a new page and waits until it is drawn. */
  openWorkbench(server?: CodeServer, withExtension?: boolean): Promise<Page>;
  /** Ends the journey as skipped, with the reason shown in the report. */
  skip(reason: string): never;
}

/** A workbench journey; files `test/e2e/workbench/*.journey.ts` export an array of them as `journeys`. */
export interface Journey {
  name: string;
  run(context: JourneyContext): Promise<void>;
}
