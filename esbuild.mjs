// Bundles every front end of Constitution Lens into dist/: the extension client, the language
// server, the command line tool and the critique panel's webview script.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow; its ES module
  // build bundles cleanly.
  mainFields: ['module', 'main'],
};

const builds = [
  { ...node, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' },
  {
    ...node,
    entryPoints: { cli: 'server/src/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The command line tool's commands, each loaded by dist/cli.js only when it runs, and the worker
  // thread of `check` (the parser and detectors alone).
  { ...node, entryPoints: { check: 'server/src/cliCheck.ts', critique: 'server/src/cliCritique.ts', checkThread: 'server/src/checkThread.ts' }, outdir: 'dist' },
];
if (existsSync('media/src/panel.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { panel: 'media/src/panel.ts' },
    outdir: 'dist/media',
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
