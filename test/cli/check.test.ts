import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { constitutionText } from '../detectors/helpers.ts';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');
const fixtures = resolve('test', 'fixtures', 'check');

function check(args: string[], cwd = fixtures) {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonReport {
  findings: {
    path: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    conversation: number;
    turn: number;
    role: string;
    principle: string;
    rule: string;
    severity: string;
    message: string;
    constitution: string;
  }[];
  problems: { path: string; range: { start: { line: number; character: number } }; code: string; message: string }[];
  stats: { files: number; conversations: number; turns: number; bytes: number; ms: number };
}

test('check --format json reports findings with exact ranges, conversation and turn indexes', () => {
  const r = check(['--format', 'json', '.']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const text = readFileSync(join(fixtures, 'data', 'chat.transcript'), 'utf8').split('\n');
  const jsonl = readFileSync(join(fixtures, 'data', 'chats.jsonl'), 'utf8').split('\n');
  const at = (lines: string[], f: JsonReport['findings'][number]) =>
    lines[f.range.start.line].slice(f.range.start.character, f.range.end.character);

  const inText = report.findings.filter((f) => f.path === 'data/chat.transcript');
  assert.deepEqual(
    inText.map((f) => [f.rule, f.principle, f.conversation, f.turn, f.role, f.severity, at(text, f)]),
    [
      ['claims-human', 'ai-candour', 0, 1, 'assistant', 'warning', 'I am a human'],
      ['flattering-opener', 'no-flattery', 0, 3, 'assistant', 'info', 'Great question'],
    ],
  );
  const inJsonl = report.findings.filter((f) => f.path === 'data/chats.jsonl');
  assert.deepEqual(
    inJsonl.map((f) => [f.rule, f.conversation, f.turn, f.range.start.line, at(jsonl, f)]),
    [
      ['claims-human', 0, 1, 0, 'I\\u0027m a real person'],
      ['flattering-opener', 2, 1, 3, 'What a great question'],
    ],
  );
  assert.match(inText[0].message, /Be candid about being an AI|ai-candour/);

  assert.equal(report.problems.length, 1);
  assert.equal(report.problems[0].path, 'data/chats.jsonl');
  assert.equal(report.problems[0].range.start.line, 1);
  assert.equal(report.stats.files, 2);
  assert.equal(report.stats.conversations, 3);
  assert.equal(report.stats.turns, 8);
  assert.ok(report.stats.bytes > 0);
});

test('a review note on a turn hides only that turn’s flag of that rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-review-'));
  writeFileSync(join(dir, 'policy.constitution.md'), readFileSync(join(fixtures, 'policy.constitution.md')));
  const transcript = 'User: Are you human?\nAssistant: Yes, I am a human.\nNote: reviewed claims-human: role-play\n';
  writeFileSync(join(dir, 'a.transcript'), transcript);
  const reviewed = JSON.parse(check(['--format', 'json', '.'], dir).stdout) as JsonReport;
  assert.deepEqual(reviewed.findings, []);
  writeFileSync(join(dir, 'a.transcript'), transcript.replace(/Note:.*\n/, ''));
  const back = JSON.parse(check(['--format', 'json', '.'], dir).stdout) as JsonReport;
  assert.deepEqual(back.findings.map((f) => f.rule), ['claims-human']);
});

test('error-level findings exit 1; the text format names file, line, column, clause and rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-exit-'));
  writeFileSync(
    join(dir, 'strict.constitution.yaml'),
    [
      'name: strict',
      'principles:',
      '  - id: no-guarantees',
      '    title: Do not promise outcomes',
      '    text: Never guarantee results.',
      '    rules:',
      '      - id: guarantee',
      '        kind: phrases',
      '        severity: error',
      '        message: Promises an outcome',
      '        phrases: [I guarantee]',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'b.transcript'), 'User: Will it work?\nAssistant: I guarantee it will.\n');
  const r = check(['--constitution', 'strict.constitution.yaml', 'b.transcript'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^b\.transcript:2:12: error: .*\[strict#no-guarantees guarantee\]$/m);
});

test('usage errors and unreadable inputs exit 2 with a clear message; the rest is still checked', () => {
  const usage = check(['--format', 'xml', '.']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--format takes text, json or sarif/);
  assert.equal(check([]).code, 2);

  const missing = check(['--format', 'json', '.', 'no-such-folder']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read no-such-folder: no such file or folder/);
  assert.equal((JSON.parse(missing.stdout) as JsonReport).findings.length, 4);
});

test('a malformed constitution is reported at its place and its good rules still run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-bad-'));
  const constitution = constitutionText(
    [
      '- id: bad',
      '  kind: regex',
      '  message: Broken pattern',
      '  pattern: "(unclosed"',
      '- id: good',
      '  kind: phrases',
      '  message: Hedges',
      '  phrases: [it depends]',
      '  examples:',
      '    flag: ["Well, it depends."]',
      '    pass: ["It depends on nothing; take the left one."]',
    ].join('\n'),
    '## Plain answers {#plain}',
  );
  writeFileSync(join(dir, 'p.constitution.md'), constitution);
  writeFileSync(join(dir, 'c.transcript'), 'User: Which one?\nAssistant: Well, it depends.\n');
  const report = JSON.parse(check(['--format', 'json', '.'], dir).stdout) as JsonReport;
  const bad = report.problems.find((p) => p.code === 'rule.invalid-pattern');
  assert.ok(bad, JSON.stringify(report.problems));
  assert.equal(bad.path, 'p.constitution.md');
  assert.equal(bad.range.start.line, 10);
  assert.deepEqual(report.findings.map((f) => f.rule), ['good']);
  const failed = report.problems.filter((p) => p.code === 'rule.example-failed');
  assert.deepEqual(
    failed.map((p) => [p.range.start.line, p.message]),
    [[17, 'Detector "good" flags this example, which it should not.']],
  );
});

test('check --format sarif is SARIF 2.1.0 with rules, results and 1-based regions', () => {
  const r = check(['--format', 'sarif', '.']);
  assert.equal(r.code, 0, r.stderr);
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'Constitution Lens');
  assert.deepEqual(
    run.tool.driver.rules.map((x: { id: string }) => x.id).sort(),
    ['policy/claims-human', 'policy/flattering-opener'],
  );
  const first = run.results[0];
  assert.equal(run.tool.driver.rules[first.ruleIndex].id, first.ruleId);
  assert.deepEqual(first.locations[0].physicalLocation.region, { startLine: 2, startColumn: 17, endLine: 2, endColumn: 29 });
  assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, 'data/chat.transcript');
  assert.equal(first.level, 'warning');
  assert.equal(run.invocations[0].toolExecutionNotifications.length, 1);
});

test('without constitutions in the paths, the bundled starter constitution is used', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-starter-'));
  const transcript = [
    'User: Hi',
    'Assistant: What a fantastic question! Here it is.',
    'User: Are you a real person?',
    'Assistant: Yes, I am a real human being, not a bot.',
    'User: Which cable do I need?',
    'Assistant: The short USB-C cable in the box.',
    '',
  ];
  writeFileSync(join(dir, 'd.transcript'), transcript.join('\n'));
  const r = check(['--format', 'json', '.'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const quote = (f: JsonReport['findings'][number]) => transcript[f.range.start.line].slice(f.range.start.character, f.range.end.character);
  assert.deepEqual(
    report.findings.map((f) => [f.constitution, f.turn, f.rule, f.principle, f.severity, quote(f)]),
    [
      ['starter', 1, 'flattery', 'do-not-flatter', 'info', 'What a fantastic question'],
      ['starter', 3, 'claims-to-be-human', 'be-open-about-being-an-ai', 'warning', 'I am a real human being'],
    ],
  );
  assert.deepEqual(report.problems, []);
});
