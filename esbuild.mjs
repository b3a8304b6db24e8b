// Bundles every front end of Constitution Lens into dist/: the extension client, the language
// server, the command line tool and the critique panel's webview script.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

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
    entryPoints: { cli: 'server/src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The command line tool's commands, each loaded by dist/cli.js only when it runs, and the worker
  // thread of `check` (the parser and detectors alone).
  { ...node, entryPoints: { check: 'server/src/cli/check.ts', critique: 'server/src/cli/critique.ts', agreement: 'server/src/cli/agreement.ts', train: 'server/src/cli/train.ts', checkThread: 'server/src/cli/checkThread.ts' }, outdir: 'dist' },
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
    entryPoints: { panel: 'media/src/panel.ts', agreement: 'media/src/agreement.ts', preview: 'media/src/preview.ts' },
    outdir: 'dist/media',
  });
}

/** server/src/cli/starterModel.ts with the parser, bundled in memory and loaded: the names the commands look for, and the parser. */
async function starterModule() {
  const { outputFiles } = await esbuild.build({ ...node, sourcemap: false, minify: false, write: false, entryPoints: ['server/src/cli/starterModel.ts'] });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', '__dirname', outputFiles[0].text)(module, module.exports, createRequire(import.meta.url), 'dist');
  return module.exports;
}

/** Writes the starter constitution's model beside the bundles: exactly what the commands would parse. */
async function writeStarterModel() {
  const { starterName, starterModelFile, starterModelOf } = await starterModule();
  mkdirSync('dist', { recursive: true });
  writeFileSync(join('dist', starterModelFile), JSON.stringify(starterModelOf(readFileSync(join('constitutions', starterName), 'utf8'))));
}

if (watch) {
  // While the parser is being changed, a model written now would go stale: the commands parse instead.
  rmSync(join('dist', (await starterModule()).starterModelFile), { force: true });
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all([...builds.map((b) => esbuild.build(b)), writeStarterModel()]);
}
