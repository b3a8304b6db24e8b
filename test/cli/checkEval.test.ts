import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runCheck } from '../../server/src/cli/check.ts';
import { evalSampleView } from '../../server/src/core/transcript/evalLog.ts';
import { readEvalSamples } from '../../server/src/evalArchive.ts';
import { collector } from '../support/collector.ts';
import { writeZip } from '../support/zipWriter.ts';

const cli = resolve('dist', 'cli.js');
const real = resolve('test', 'fixtures', 'eval', 'popularity.eval');
const flagged = resolve('test', 'fixtures', 'workspaces', 'inspect', 'popularity-flagged.eval');

function check(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  findings: { path: string; sample?: string; conversation: number; turn: number; rule: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
  problems: { path: string; sample?: string; code: string; range: { start: { line: number; character: number } } }[];
  stats: { files: number; conversations: number; turns: number; roles: Record<string, number>; skipped: { path: string; reason: string }[] };
}

/** A sample's view, as `check` and the editor both read it. */
async function viewOf(path: string, entry: string): Promise<string> {
  for await (const item of readEvalSamples(path)) if (item.name.entry === entry && 'json' in item) return evalSampleView(item.json)!;
  throw new Error(`no ${entry} in ${path}`);
}

const sample = (id: number, content: string) =>
  Buffer.from(JSON.stringify({ id, epoch: 1, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content }] }));

test('a real Inspect .eval log: one conversation per sample, every turn read, given alone or found in a folder', async () => {
  const alone = check(['--format', 'json', real]);
  assert.equal(alone.code, 0, alone.stderr);
  const report = JSON.parse(alone.stdout) as Report;
  assert.equal(report.stats.files, 1);
  assert.equal(report.stats.conversations, 10);
  assert.equal(report.stats.turns, 30);
  assert.deepEqual(report.stats.roles, { system: 10, developer: 0, user: 10, assistant: 10, tool: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'lens-eval-'));
  copyFileSync(real, join(dir, 'run.eval'));
  const walked = JSON.parse(check(['--format', 'json', dir]).stdout) as Report;
  assert.equal(walked.stats.conversations, 10);
  assert.deepEqual(walked.stats.skipped, []);
});

test('findings in an .eval name the file and the sample, with ranges into the sample view', async () => {
  const r = check(['--format', 'json', flagged]);
  const report = JSON.parse(r.stdout) as Report;
  assert.ok(report.findings.length >= 2, r.stdout);
  const view = (await viewOf(flagged, 'samples/2_epoch_1.json')).split('\n');
  for (const f of report.findings) {
    assert.equal(resolve(f.path), flagged);
    assert.equal(f.sample, 'samples/2_epoch_1.json');
    assert.equal(f.conversation, 1, 'the second sample in the archive');
    assert.equal(f.turn, 2);
  }
  const words = report.findings.map((f) => view[f.range.start.line].slice(f.range.start.character, f.range.end.character));
  assert.ok(words.includes('Great question'), words.join(' | '));
  const citation = report.problems.find((p) => p.code === 'transcript.unknown-citation');
  assert.equal(citation?.sample, 'samples/2_epoch_1.json');
  const sarif = JSON.parse(check(['--format', 'sarif', flagged]).stdout) as { runs: { results: { properties: { sample?: string } }[] }[] };
  assert.deepEqual([...new Set(sarif.runs[0].results.map((r) => r.properties.sample))], ['samples/2_epoch_1.json']);
  const text = check([flagged]).stdout;
  assert.match(text, /popularity-flagged\.eval!samples\/2_epoch_1\.json:\d+:\d+: info: The answer opens by praising/);
});

test('a truncated .eval, a corrupt sample and a file that is not a zip are input problems with plain messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-eval-'));
  const bytes = readFileSync(real);
  writeFileSync(join(dir, 'cut.eval'), bytes.subarray(0, bytes.length >> 1));
  const cut = check([join(dir, 'cut.eval')]);
  assert.equal(cut.code, 2);
  assert.match(cut.stderr, /cannot read .*cut\.eval: it is not a readable \.eval log \(a zip archive\)/);
  writeZip(join(dir, 'corrupt.eval'), [
    { name: 'samples/1_epoch_1.json', data: sample(1, 'Great question! Four.') },
    { name: 'samples/2_epoch_1.json', data: sample(2, 'Fine.'), corrupt: true },
  ]);
  const corrupt = check(['--format', 'json', join(dir, 'corrupt.eval')]);
  assert.equal(corrupt.code, 2);
  assert.match(corrupt.stderr, /corrupt\.eval, sample 2, epoch 1 \(samples\/2_epoch_1\.json\): it could not be decompressed/);
  const report = JSON.parse(corrupt.stdout) as Report;
  assert.equal(report.stats.conversations, 1, 'the readable sample is still checked');
  assert.equal(report.findings[0]?.sample, 'samples/1_epoch_1.json');
  writeFileSync(join(dir, 'text.eval'), 'not a zip at all\n');
  const notZip = check([join(dir, 'text.eval')]);
  assert.equal(notZip.code, 2);
  assert.match(notZip.stderr, /text\.eval: it is not a readable \.eval log/);
});

test('an .eval over the limits (too many entries, a sample or a whole too large once inflated) is refused, not read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-eval-'));
  const zeros = Buffer.alloc(1 << 20, 0x20);
  writeZip(join(dir, 'bomb.eval'), [
    { name: 'header.json', data: Buffer.from('{}') },
    { name: 'samples/1_epoch_1.json', data: sample(1, 'Hello.') },
    { name: 'samples/2_epoch_1.json', data: Buffer.concat([sample(2, 'Hello.'), zeros]) },
    { name: 'samples/3_epoch_1.json', data: sample(3, 'Hello.') },
  ]);
  const run = async (limits: { maxEntries: number; maxEntryBytes: number; maxTotalBytes: number }) => {
    const out = collector();
    const err = collector();
    const code = await runCheck(['--format', 'json', 'bomb.eval'], { stdout: out.stream, stderr: err.stream, cwd: dir, starterPath: resolve('constitutions', 'starter.constitution.md'), evalLimits: limits });
    return { code, report: JSON.parse(out.text()) as Report, stderr: err.text() };
  };
  const entries = await run({ maxEntries: 3, maxEntryBytes: 1 << 30, maxTotalBytes: 2 ** 40 });
  assert.equal(entries.code, 2);
  assert.match(entries.stderr, /it lists 4 entries, more than the 3 a log may hold/);
  const entry = await run({ maxEntries: 10, maxEntryBytes: 1 << 16, maxTotalBytes: 2 ** 40 });
  assert.equal(entry.code, 2);
  assert.match(entry.stderr, /sample 2, epoch 1 .*: it would decompress to \d+ bytes, more than the 65536 a sample may hold/);
  assert.equal(entry.report.stats.conversations, 2);
  const total = await run({ maxEntries: 10, maxEntryBytes: 1 << 30, maxTotalBytes: 1 << 16 });
  assert.equal(total.code, 2);
  assert.match(total.stderr, /its samples would decompress to more than 65536 bytes/);
});

test('an entry that inflates to more than it declares is stopped at what it declared', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-eval-'));
  writeZip(join(dir, 'liar.eval'), [{ name: 'samples/1_epoch_1.json', data: Buffer.concat([sample(1, 'Hi.'), Buffer.alloc(1 << 20, 0x20)]), declaredSize: 100 }]);
  const r = check([join(dir, 'liar.eval')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /sample 1, epoch 1 .*it could not be decompressed/);
});
