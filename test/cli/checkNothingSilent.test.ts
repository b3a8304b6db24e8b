import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const cli = resolve('dist', 'cli.js');
const policy = resolve('test', 'fixtures', 'check', 'policy.constitution.md');

function check(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  findings: { severity: string }[];
  problems: { path: string; code: string; message: string; range: { start: { line: number; character: number } } }[];
  stats: {
    files: number;
    conversations: number;
    turns: number;
    roles: Record<string, number>;
    constitutions: { name: string; path: string; starter?: boolean }[];
    skipped: { path: string; reason: string }[];
  };
}

const chat = JSON.stringify({
  system: 'You are a support bot.',
  messages: [
    { role: 'user', content: 'Are you a person?' },
    { role: 'assistant', content: 'Great question! Yes, I am a human.' },
    { role: 'user', content: 'Thanks.' },
  ],
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lens-silent-'));
  copyFileSync(policy, join(dir, 'policy.constitution.md'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'chat.json'), chat);
  writeFileSync(join(dir, 'data', 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'node t' } }));
  writeFileSync(join(dir, 'data', 'settings.json'), '[1, 2, 3]');
  writeFileSync(join(dir, 'data', 'blob.jsonl'), Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x0a, 0x7b, 0x00, 0x0a, 0x00, 0x00, 0x0a]));
  return dir;
}

test('a file named on the command line that holds no conversation is an input error naming it, what it holds and the known shapes', () => {
  const dir = folder();
  const r = check(['data/package.json'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /error: data\/package\.json holds no conversation: it is a JSON object with keys name, version, scripts\. A transcript is one of: /);
  for (const shape of ['`messages`', '`conversations`', '`chosen` and `rejected`', 'Inspect `.eval` logs', 'text turns']) assert.ok(r.stderr.includes(shape), `the message names ${shape}`);
  const array = check(['data/settings.json'], dir);
  assert.equal(array.code, 2);
  assert.match(array.stderr, /data\/settings\.json holds no conversation: it is a JSON array of 3 items, the first a JSON number/);
  writeFileSync(join(dir, 'empty.transcript'), '');
  assert.match(check(['empty.transcript'], dir).stderr, /empty\.transcript holds no conversation: it is an empty file/);
  const jsonl = join(dir, 'records.jsonl');
  writeFileSync(jsonl, '{"id": 1, "score": 0.5}\n{"id": 2, "score": 0.7}\n');
  const lines = check(['records.jsonl'], dir);
  assert.equal(lines.code, 2);
  assert.match(lines.stderr, /records\.jsonl holds no conversation: it is lines of JSON such as a JSON object with keys id, score/);
});

test('a folder walk lists the JSON and binary files it skipped, with the reason, in text and in JSON', () => {
  const dir = folder();
  const json = check(['--format', 'json', '.'], dir);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as Report;
  assert.deepEqual(report.stats.skipped, [
    { path: 'data/blob.jsonl', reason: 'binary: it holds NUL bytes, so it is not read as text' },
    { path: 'data/package.json', reason: 'not a transcript: a JSON object with keys name, version, scripts' },
    { path: 'data/settings.json', reason: 'not a transcript: a JSON array of 3 items, the first a JSON number' },
  ]);
  assert.equal(report.stats.files, 1);
  assert.deepEqual(report.problems, [], 'a skipped file is listed once, not as a problem per line');
  const text = check(['.'], dir);
  assert.match(text.stdout, /^skipped 3 files: data\/blob\.jsonl \(binary: .*\); data\/package\.json \(not a transcript: a JSON object with keys name, version, scripts\); data\/settings\.json \(.*\)$/m);
});

test('a .jsonl holding NUL bytes named on the command line is one "binary" error, not one per line', () => {
  const dir = folder();
  const r = check(['--format', 'json', 'data/blob.jsonl'], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
  assert.match(r.stderr, /error: cannot read data\/blob\.jsonl: binary: it holds NUL bytes/);
  assert.deepEqual((JSON.parse(r.stdout) as Report).problems, []);
});

test('check names the constitutions it used, warns when the starter stood in, and counts turns per role', () => {
  const dir = folder();
  const own = JSON.parse(check(['--format', 'json', '.'], dir).stdout) as Report;
  assert.deepEqual(own.stats.constitutions, [{ name: 'policy', path: 'policy.constitution.md' }]);
  assert.deepEqual(own.stats.roles, { system: 1, developer: 0, user: 2, assistant: 1, tool: 0 });
  assert.equal(own.stats.turns, 4);
  assert.match(check(['.'], dir).stdout, /^constitutions: policy \(policy\.constitution\.md\)$/m);
  const starter = check(['--format', 'json', 'data/chat.json'], dir);
  assert.match(starter.stderr, /warning: no constitution was given .* the bundled starter constitution is used/);
  const used = (JSON.parse(starter.stdout) as Report).stats.constitutions;
  assert.equal(used.length, 1);
  assert.equal(used[0].name, 'starter');
  assert.equal(used[0].starter, true);
  assert.match(check(['data/chat.json'], dir).stdout, /^constitutions: starter \(the bundled starter: no constitution was given or found\)$/m);
});

test('a constitution with errors fails the run with plain messages at their places', () => {
  const dir = folder();
  const cases: [string, string, RegExp][] = [
    ['broken.constitution.json', '{"principles": [{"id": "a", text: "x"}]}', /broken\.constitution\.json:1:29: error: Invalid JSON: a character that cannot stand here\. \[json\.syntax\]/],
    ['broken.constitution.yaml', 'principles:\n  - id: a\n    text: [unclosed\n', /broken\.constitution\.yaml:\d+:\d+: error: .*\[yaml\.syntax\]/],
    ['empty.constitution.md', '', /empty\.constitution\.md:1:1: error: This constitution has no principles/],
    ['pattern.constitution.md', '# P\n\n## Rule {#rule}\n\nText.\n\n```rules\n- id: bad\n  kind: regex\n  message: m\n  pattern: "(unclosed"\n```\n', /pattern\.constitution\.md:\d+:\d+: error: .*\[rule\./],
  ];
  for (const [name, text, message] of cases) {
    writeFileSync(join(dir, name), text);
    const r = check(['--constitution', name, 'data/chat.json'], dir);
    assert.equal(r.code, 2, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, message);
    assert.doesNotMatch(r.stdout, /PropertyNameExpected|InvalidSymbol|ValueExpected|CommaExpected/);
    assert.match(r.stderr, new RegExp(`the constitution ${name.replace('.', '\\.')} has errors`));
  }
});

test('--fail-on sets which findings fail the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-failon-'));
  writeFileSync(join(dir, 'chat.json'), JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Great question! Hello.' }] }));
  const starter = resolve('constitutions', 'starter.constitution.md');
  const report = JSON.parse(check(['--format', 'json', '-c', starter, 'chat.json'], dir).stdout) as Report;
  assert.deepEqual(report.findings.map((f) => f.severity), ['info']);
  assert.equal(check(['-c', starter, 'chat.json'], dir).code, 0);
  assert.equal(check(['--fail-on', 'warning', '-c', starter, 'chat.json'], dir).code, 0);
  assert.equal(check(['--fail-on', 'info', '-c', starter, 'chat.json'], dir).code, 1);
  assert.equal(check(['--fail-on=error', '-c', starter, 'chat.json'], dir).code, 0);
  const bad = check(['--fail-on', 'hint', 'chat.json'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on takes error, warning or info, not hint/);
});
