/**
 * `check` and `agreement` walk folders as ripgrep does: what `.gitignore` files ignore is left out
 * and counted, never dropped silently, and `--no-ignore` reads it. On copies of
 * `test/fixtures/workspaces/ignored` (a root `.gitignore` trimmed from a public one, and a nested one).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const cli = resolve('dist', 'cli.js');
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, command, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the fixture workspace, optionally inside a folder made a repository (`.git/info/exclude`). */
function workspace(exclude?: string): { top: string; root: string } {
  const top = mkdtempSync(join(tmpdir(), 'lens-ignored-'));
  made.push(top);
  const root = exclude === undefined ? top : join(top, 'project');
  cpSync(join('test', 'fixtures', 'workspaces', 'ignored'), root, { recursive: true });
  if (exclude !== undefined) {
    mkdirSync(join(top, '.git', 'info'), { recursive: true });
    writeFileSync(join(top, '.git', 'info', 'exclude'), exclude);
  }
  return { top, root };
}

interface Report {
  findings: { path: string }[];
  stats: { files: number; skipped: { path: string; reason: string; ignored?: boolean }[] };
}

const findingPaths = (report: Report) => report.findings.map((f) => f.path).sort();

test('check leaves out what the .gitignore files ignore, and lists each ignored file or folder with its rule', () => {
  const { root } = workspace();
  const r = run('check', ['--format', 'json', '.'], root);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(findingPaths(report), ['chats/support.transcript', 'logs/reviewed.jsonl', 'scratch/draft.transcript']);
  assert.deepEqual(report.stats.skipped, [
    { path: 'build/', reason: 'ignored by `build/` in .gitignore', ignored: true },
    { path: 'logs/run.jsonl', reason: 'ignored by `*.jsonl` in logs/.gitignore', ignored: true },
  ]);
});

test('the text summary says in one line how much was ignored', () => {
  const { root } = workspace();
  const r = run('check', ['.'], root);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ignored 1 folder and 1 file under \.gitignore \(--no-ignore reads them; --format json lists them\)$/m);
  assert.doesNotMatch(r.stdout, /build\/support/);
});

test('--no-ignore reads every file', () => {
  const { root } = workspace();
  const r = run('check', ['--no-ignore', '--format', 'json', '.'], root);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(findingPaths(report), ['build/support.transcript', 'chats/support.transcript', 'logs/reviewed.jsonl', 'logs/run.jsonl', 'scratch/draft.transcript']);
  assert.deepEqual(report.stats.skipped, []);
  assert.doesNotMatch(run('check', ['--no-ignore', '.'], root).stdout, /ignored/);
});

test('a file named on the command line is read even if ignored', () => {
  const { root } = workspace();
  const r = run('check', ['--format', 'json', '--constitution', 'policy.constitution.md', 'build/support.transcript'], root);
  assert.deepEqual(findingPaths(JSON.parse(r.stdout) as Report), ['build/support.transcript']);
});

test('in a repository, .git/info/exclude and the .gitignore files above the folder apply, unless they ignore the folder named', () => {
  const { top, root } = workspace('project/scratch/\n');
  writeFileSync(join(top, '.gitignore'), 'chats/\n');
  const report = JSON.parse(run('check', ['--format', 'json', '.'], root).stdout) as Report;
  assert.deepEqual(findingPaths(report), ['logs/reviewed.jsonl']);
  assert.deepEqual(
    report.stats.skipped.map((s) => s.reason),
    // A path outside the working folder is written whole, as every path of the report is.
    [
      'ignored by `build/` in .gitignore',
      `ignored by \`chats/\` in ${join(top, '.gitignore')}`,
      'ignored by `*.jsonl` in logs/.gitignore',
      `ignored by \`project/scratch/\` in ${join(top, '.git', 'info', 'exclude')}`,
    ],
  );
  const named = JSON.parse(run('check', ['--format', 'json', '--constitution', 'policy.constitution.md', 'chats'], root).stdout) as Report;
  assert.deepEqual(findingPaths(named), ['chats/support.transcript'], 'a folder that is itself ignored is read when named');
});

test('the .gitignore files above the root of a repository do not apply in it', () => {
  const { top, root } = workspace('');
  writeFileSync(join(top, '.gitignore'), 'chats/\n');
  mkdirSync(join(root, '.git'));
  const report = JSON.parse(run('check', ['--format', 'json', '.'], root).stdout) as Report;
  assert.deepEqual(findingPaths(report), ['chats/support.transcript', 'logs/reviewed.jsonl', 'scratch/draft.transcript']);
});

test('a walk that meets a link back to a folder above ends', () => {
  const { root } = workspace();
  symlinkSync(root, join(root, 'chats', 'loop'), 'dir');
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '.'], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(findingPaths(JSON.parse(r.stdout) as Report), ['chats/support.transcript', 'logs/reviewed.jsonl', 'scratch/draft.transcript']);
});

test('agreement leaves out ignored files too, says so, and reads them with --no-ignore', () => {
  const { root } = workspace();
  writeFileSync(join(root, 'build', 'labelled.transcript'), 'User: Who are you?\nAssistant: I am a person.\nNote: violates [[honesty]]: it is a model\n');
  const ignored = run('agreement', ['--format', 'json', '.'], root);
  assert.equal(ignored.code, 2, 'the only labels are in an ignored folder');
  assert.match(ignored.stderr, /note: ignored 2 files and folders under \.gitignore, such as build\/ \(`build\/` in \.gitignore\); --no-ignore reads them\./);
  const read = run('agreement', ['--no-ignore', '--format', 'json', '.'], root);
  assert.equal(read.code, 0, read.stderr);
  assert.equal((JSON.parse(read.stdout) as { labels: number }).labels, 1);
});
