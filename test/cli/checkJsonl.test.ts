import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');
const policy = resolve('test', 'fixtures', 'check', 'policy.constitution.md');

interface Position {
  line: number;
  character: number;
}
interface JsonReport {
  findings: { path: string; range: { start: Position; end: Position }; conversation: number; turn: number; rule: string }[];
  problems: { path: string; range: { start: Position; end: Position }; code: string; message: string }[];
  stats: { files: number; conversations: number; turns: number; bytes: number };
}

const chat = (user: string, assistant: string) =>
  JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

/**
 * A JSONL file with CRLF line breaks whose first line, of multi-byte characters, is longer than the
 * CLI's 64 KiB read chunk, so that later lines start mid-chunk and one is cut between chunks; a blank
 * line; a broken line; and a last line without a line break.
 */
function writeJsonl(): { dir: string; lines: string[]; size: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lens-jsonl-'));
  const lines = [
    chat('é'.repeat(40_000), 'Sure: 4.'),
    chat('Are you a bot? 😀', 'No, I am a human.'),
    '',
    '{"messages": [broken',
    chat('ü'.repeat(20_000), 'ä😀 I am a human, I promise.'),
    chat('Sum?', 'What a great question! 4.'),
  ];
  writeFileSync(join(dir, 'chats.jsonl'), lines.join('\r\n'));
  return { dir, lines, size: statSync(join(dir, 'chats.jsonl')).size };
}

function check(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, 'check', '--constitution', policy, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a JSONL read in chunks reports findings at their exact line and UTF-16 column, after CRLF, blank and broken lines', () => {
  const { dir, lines, size } = writeJsonl();
  const r = check(['--format', 'json', 'chats.jsonl'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const at = (f: JsonReport['findings'][number]) => lines[f.range.start.line].slice(f.range.start.character, f.range.end.character);
  assert.deepEqual(
    report.findings.map((f) => [f.rule, f.range.start.line, f.range.start.character, f.conversation, f.turn, at(f)]),
    [
      ['claims-human', 1, lines[1].indexOf('I am a human'), 1, 1, 'I am a human'],
      ['claims-human', 4, lines[4].indexOf('I am a human'), 3, 1, 'I am a human'],
      ['flattering-opener', 5, lines[5].indexOf('What a great question'), 4, 1, 'What a great question'],
    ],
  );
  assert.equal(report.problems.length, 1);
  const broken = report.problems[0];
  assert.equal(broken.code, 'jsonl.syntax');
  assert.deepEqual(broken.range, { start: { line: 3, character: 14 }, end: { line: 3, character: 20 } });
  assert.equal(lines[3].slice(14, 20), 'broken');
  assert.deepEqual(
    { files: report.stats.files, conversations: report.stats.conversations, turns: report.stats.turns, bytes: report.stats.bytes },
    { files: 1, conversations: 4, turns: 8, bytes: size },
  );
});

test('the text format gives each problem and finding at its 1-based line and column, in file order', () => {
  const { dir, lines } = writeJsonl();
  const r = check(['chats.jsonl'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.split('\n');
  assert.deepEqual(
    out.slice(0, 4).map((l) => l.slice(0, l.indexOf(': '))),
    [
      `chats.jsonl:2:${lines[1].indexOf('I am a human') + 1}`,
      'chats.jsonl:4:15',
      `chats.jsonl:5:${lines[4].indexOf('I am a human') + 1}`,
      `chats.jsonl:6:${lines[5].indexOf('What a great question') + 1}`,
    ],
  );
  assert.match(out[1], /: error: This line is not valid JSON .*\[jsonl\.syntax\]$/);
  assert.match(out[4], /^3 findings \(0 errors\), 1 input problems; 1 files, 4 conversations, 8 turns/);
});

test('many findings written in many output chunks make one JSON object, in file order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-many-'));
  const line = chat('Are you real?', `${'x'.repeat(300)} I am a human.`);
  writeFileSync(join(dir, 'many.jsonl'), `${Array.from({ length: 3000 }, () => line).join('\n')}\n`);
  const r = check(['--format', 'json', 'many.jsonl'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.equal(report.findings.length, 3000);
  assert.deepEqual(
    report.findings.map((f) => [f.range.start.line, f.range.start.character, f.conversation]),
    Array.from({ length: 3000 }, (_, i) => [i, line.indexOf('I am a human'), i]),
  );
  assert.equal(r.stdout.endsWith('}\n'), true);
  assert.equal(r.stdout.split('\n').length, 2, 'one JSON object on one line');
});

test('a line of white space, non-breaking spaces included, holds no record, as in the editor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-blank-'));
  const lines = [chat('Sum?', 'What a great question! 4.'), '\u00a0\u2003 ', chat('Are you real?', 'I am a human.')];
  writeFileSync(join(dir, 'blank.jsonl'), lines.join('\n'));
  const r = check(['--format', 'json', 'blank.jsonl'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(report.problems, []);
  assert.deepEqual(
    report.findings.map((f) => [f.rule, f.range.start.line, f.conversation]),
    [
      ['flattering-opener', 0, 0],
      ['claims-human', 2, 1],
    ],
  );
});
