/**
 * The entry of a `check` worker thread (dist/checkThread.js): a bundle of the parser and detectors
 * alone, so that a worker starts without loading the rest of the command line tool.
 */
import { serveChecks } from './checkPool.ts';

serveChecks();
