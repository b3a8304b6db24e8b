/**
 * The built bundles that the command line and server tests run (`dist/`), checked against the
 * sources they are built from. `node scripts/test.mjs` builds first; a test file run on its own
 * (`node --import tsx --test test/cli/check.test.ts`) gets a clear error instead of passing or
 * failing against an old build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** What the bundles are built from: a change to any of these makes `dist/` stale. */
const sources = ['server/src', 'client/src', 'media/src', 'constitutions', 'esbuild.mjs', 'package-lock.json'];

/** What `npm run build` writes and the tests run: the bundles (and the panels' scripts) and the starter model. */
function builtFiles(root: string): string[] {
  const out: string[] = [];
  for (const dir of ['dist', join('dist', 'media')]) {
    const path = resolve(root, dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path)) if (/\.(js|json)$/.test(name)) out.push(join(path, name));
  }
  return out;
}

/** The most recently modified file under `path` (a file or a folder), or undefined when there is none. */
function newest(path: string): { path: string; ms: number } | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, ms: stat.mtimeMs };
  let best: { path: string; ms: number } | undefined;
  for (const name of readdirSync(path)) {
    const found = newest(join(path, name));
    if (found && (!best || found.ms > best.ms)) best = found;
  }
  return best;
}

/**
 * Why `dist/` cannot be used for `root`'s sources as they are now, or undefined when every bundle
 * is newer than every source.
 */
export function staleBuild(root = process.cwd()): string | undefined {
  let source: { path: string; ms: number } | undefined;
  for (const s of sources) {
    const found = newest(resolve(root, s));
    if (found && (!source || found.ms > source.ms)) source = found;
  }
  for (const name of ['cli.js', 'server.js', 'starter.constitution.json']) {
    if (!existsSync(resolve(root, 'dist', name))) return `dist/${name} is missing`;
  }
  for (const path of builtFiles(root)) {
    if (source && statSync(path).mtimeMs < source.ms) {
      return `${relative(root, path)} is older than ${relative(root, source.path)}`;
    }
  }
  return undefined;
}

const stale = staleBuild();

/**
 * The absolute path of `dist/<name>`, once it is known that the build is fresh; throws with what to
 * do when it is not, so that no test runs old code.
 */
export function builtFile(name: string): string {
  if (stale) {
    throw new Error(
      `${stale}: the tests would run an old build. Run \`npm run build\` first, or run the tests with \`node scripts/test.mjs\`, which builds before testing (a file the build no longer makes goes when dist/ is deleted and built again).`,
    );
  }
  return resolve('dist', name);
}
