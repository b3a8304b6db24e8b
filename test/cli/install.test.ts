// The command line tool as a user installs it outside the clone: `npm pack`, then the tarball installed
// globally into a fresh prefix, offline. The installed command must work with nothing from the clone:
// no devDependencies, no node_modules, no sources.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { builtFile } from '../support/dist.ts';

const root = resolve('.');
// The tarball is packed from dist/, which must be the build of the sources as they are.
const cli = builtFile('cli.js');
const examples = join(root, 'examples');
const scratch = mkdtempSync(join(tmpdir(), 'cl-install-'));
const prefix = join(scratch, 'prefix');
const bin = join(prefix, 'bin', 'constitution-lens');
let packed: { filename: string; files: { path: string }[] };

/** The environment without what an enclosing `npm run` sets (its prefix, its config), so the commands act as in a user's shell. */
function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_PATH'));
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: userEnvironment(), encoding: 'utf8' });
}

interface Report {
  findings: { path: string; conversation: number; turn: number; principle: string; rule: string; message: string }[];
  problems: unknown[];
  stats: { files: number };
}

before(() => {
  const pack = run('npm', ['pack', '--json', '--pack-destination', scratch], root);
  assert.equal(pack.status, 0, pack.stderr);
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;
  const install = run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(scratch, packed.filename)], scratch);
  assert.equal(install.status, 0, `${install.stdout}${install.stderr}`);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

test('the packed tarball holds the bundles and the starter constitution, and no sources or source maps', () => {
  const paths = packed.files.map((f) => f.path);
  // Every bundle of the command line tool and the language server: all of dist/ but the editor's client.
  const bundles = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js') && f !== 'client.js').map((f) => `dist/${f}`);
  for (const needed of [...bundles, 'dist/cli.js', 'dist/check.js', 'dist/checkThread.js', 'dist/critique.js', 'dist/starter.constitution.json', 'constitutions/starter.constitution.md', 'package.json', 'README.md', 'LICENSE']) {
    assert.ok(paths.includes(needed), `${needed} is packed: ${paths.join(', ')}`);
  }
  const strays = paths.filter((p) => /\.(ts|mts|map)$/.test(p) || /^(test|examples|server|client|media|scripts|bench|node_modules)\//.test(p));
  assert.deepEqual(strays, []);
});

test('the installed package depends on nothing: the bundles carry every library', () => {
  const installed = join(prefix, 'lib', 'node_modules', 'constitution-lens');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  assert.deepEqual(Object.keys(manifest.dependencies ?? {}), []);
  assert.equal(existsSync(join(installed, 'node_modules')), false);
});

test('the installed constitution-lens checks examples/ and reports what the clone reports', () => {
  const installed = run(bin, ['check', '--format', 'json', examples], scratch);
  assert.equal(installed.status, 0, installed.stderr);
  const report = JSON.parse(installed.stdout) as Report;
  const flagged = new Set(report.findings.map((f) => `${f.path.slice(examples.length + 1)} ${f.principle} ${f.rule}`));
  for (const expected of [
    'support-chat.transcript no-flattery flattering-opener',
    'support-chat.transcript calibrated stacked-hedges',
    'onboarding.transcript.md answer-directly needless-refusal',
    'chats.jsonl answer-directly needless-refusal',
    'persona.prompt.md honesty persona-claims-human',
  ]) {
    assert.ok(flagged.has(expected), `${expected} in ${[...flagged].join('; ')}`);
  }
  assert.equal(report.stats.files, 5);

  const clone = run(process.execPath, [cli, 'check', '--format', 'json', examples], scratch);
  const fromClone = JSON.parse(clone.stdout) as Report;
  assert.deepEqual(report.findings, fromClone.findings);

  const text = run(bin, ['check', examples], scratch);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /support-chat\.transcript:5:12: info: A flattering opener/);
});

test('without a constitution beside the files, the installed command uses its own starter constitution', () => {
  const alone = join(scratch, 'alone');
  mkdirSync(alone);
  copyFileSync(join(examples, 'support-chat.transcript'), join(alone, 'support-chat.transcript'));
  const r = run(bin, ['check', '--format', 'json', '.'], alone);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.ok(report.findings.length > 0, r.stdout);
  assert.ok(report.findings.some((f) => f.rule === 'flattery'), JSON.stringify(report.findings.map((f) => f.rule)));
});

test('the installed critique command loads its bundle and asks for a key before sending anything', () => {
  const env = { ...userEnvironment(), ANTHROPIC_API_KEY: '' };
  const r = spawnSync(bin, ['critique', '--turn', '3', join(examples, 'support-chat.transcript')], { cwd: scratch, env, encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, 'No API key is set, so nothing was sent. Set ANTHROPIC_API_KEY to a valid key.\n');
});
