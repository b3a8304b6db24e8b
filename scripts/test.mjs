// Runs every test file under test/ with node:test, TypeScript loaded through tsx.
// Node 20's test runner takes no globs, so the files are listed here. Arguments narrow the run to
// files whose path contains any of them (`node scripts/test.mjs transcript`).
// The command line and server tests run the bundles of dist/, so the bundles are built first: a
// change to the source can never pass against an old build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const skip = new Set(['node_modules', 'fixtures', 'e2e']);

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skip.has(name)) collect(path, out);
    } else if (name.endsWith('.test.ts')) {
      out.push(path);
    }
  }
  return out;
}

const files = collect('test', []).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('The build failed (node esbuild.mjs), so no test was run.');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
