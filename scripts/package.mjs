// `npm run package [-- --out FILE] [-- --no-build]`: builds the bundles for production and makes the
// .vsix with @vscode/vsce, run with the harness's Node 24 (vsce needs Node 22 or later), then names the
// file it wrote and the command that installs it. .vscodeignore is an allow-list and dist/ holds every
// runtime dependency, so vsce packages without node_modules.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, root } from './e2e/ensureCodeServer.mjs';

/**
 * Builds the bundles for production (unless `build` is false: the harness packages what it has just
 * built and tested) and packages the extension; returns the path of the .vsix.
 * @param {{ out?: string, quiet?: boolean, build?: boolean }} [options]
 * @returns {string}
 */
export function packageVsix(options = {}) {
  const tools = ensureCodeServer({ quiet: options.quiet });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = resolve(options.out ?? join(root, `${manifest.name}-${manifest.version}.vsix`));
  const stdio = options.quiet ? 'pipe' : 'inherit';
  const build = options.build === false ? undefined : spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio, encoding: 'utf8' });
  if (build && build.status !== 0) throw new Error(`The production build failed.\n${build.stdout ?? ''}${build.stderr ?? ''}`);
  const vsce = spawnSync(
    tools.node,
    [tools.vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
    { cwd: root, env: tools.env, stdio, encoding: 'utf8' },
  );
  if (vsce.status !== 0) throw new Error(`vsce package failed.\n${vsce.stdout ?? ''}${vsce.stderr ?? ''}`);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  try {
    const out = packageVsix({ ...(at > 0 ? { out: process.argv[at + 1] } : {}), build: !process.argv.includes('--no-build') });
    // A path with spaces is quoted, so that the install command can be copied as it is.
    const file = /\s/.test(out) ? `"${out}"` : out;
    console.log(`\nPackaged ${out}\n\nInstall it into VS Code or code-server with:\n\n  code --install-extension ${file}\n  code-server --install-extension ${file}\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
