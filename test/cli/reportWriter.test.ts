import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { encodedPart, PartBuilder } from '../../server/src/cli/reportPart.ts';
import { BufferedOutput, noRoles, reportWriter, type CheckStats, type ReportedFinding, type ReportedProblem } from '../../server/src/cli/reportWriter.ts';

/** A stream that records each write and answers `full` to it, as a pipe whose buffer is full does. */
class FakeStream extends EventEmitter {
  readonly writes: (string | Uint8Array)[] = [];
  full = false;

  write(chunk: string | Uint8Array): boolean {
    this.writes.push(chunk);
    return !this.full;
  }
}

const stream = (s: FakeStream) => s as unknown as NodeJS.WritableStream;

const finding = (i: number): ReportedFinding => ({
  path: 'a "quoted" dir/chats.jsonl',
  range: { start: { line: i, character: 3 }, end: { line: i, character: 15 } },
  conversation: i,
  turn: 1,
  role: 'assistant',
  principle: 'ai-candour',
  rule: 'claims-human',
  severity: i % 2 ? 'warning' : 'error',
  message: `Says it is a person: "I am a human" \u2028 é ${'x'.repeat(200)}`,
  constitution: 'policy',
});
const problem: ReportedProblem = {
  path: 'chats.jsonl',
  range: { start: { line: 3, character: 14 }, end: { line: 3, character: 20 } },
  code: 'jsonl.syntax',
  severity: 'error',
  message: 'This line is not valid JSON (invalid symbol); the other lines are still read.',
};
const stats: CheckStats = { files: 1, conversations: 2000, turns: 4000, roles: noRoles(), bytes: 123456, ms: 42, reviewed: 1, constitutions: [], skipped: [] };

test('the JSON writer gives byte for byte what JSON.stringify of the whole report gives, in few large writes', () => {
  const out = new FakeStream();
  const writer = reportWriter('json', stream(out));
  const findings = Array.from({ length: 2000 }, (_, i) => finding(i));
  writer.problem(problem);
  for (const f of findings.slice(0, 1000)) writer.finding(f);
  writer.problem(problem);
  for (const f of findings.slice(1000)) writer.finding(f);
  writer.end(stats, []);
  const text = out.writes.join('');
  assert.equal(text, `${JSON.stringify({ findings, problems: [problem, problem], stats })}\n`);
  assert.equal(out.writes.length, Math.ceil(text.length / BufferedOutput.chunkSize));
  for (const w of out.writes.slice(0, -1)) assert.ok(w.length >= BufferedOutput.chunkSize && w.length < BufferedOutput.chunkSize + 400);
});

test('an empty JSON report is the same object with empty lists', () => {
  const out = new FakeStream();
  reportWriter('json', stream(out)).end(stats, []);
  assert.deepEqual(out.writes, [`${JSON.stringify({ findings: [], problems: [], stats })}\n`]);
});

test('the text writer writes problems and findings in the order they come, then counts them', () => {
  const out = new FakeStream();
  const writer = reportWriter('text', stream(out));
  writer.finding(finding(0));
  writer.problem(problem);
  writer.finding(finding(1));
  writer.end(stats, []);
  const lines = out.writes.join('').split('\n');
  assert.deepEqual(
    lines.map((l) => l.slice(0, 40)),
    [
      'a "quoted" dir/chats.jsonl:1:4: error: S',
      'chats.jsonl:4:15: error: This line is no',
      'a "quoted" dir/chats.jsonl:2:4: warning:',
      '2 findings (1 errors), 1 input problems;',
      '',
    ],
  );
  assert.match(lines[0], / \[policy#ai-candour claims-human\]$/);
  assert.equal(lines[3], '2 findings (1 errors), 1 input problems; 1 files, 2000 conversations, 4000 turns, 0.1 MB in 42 ms; 1 reviewed flags hidden.');
});

test('a full output stream is waited on until it drains, and only then', async () => {
  const out = new FakeStream();
  const buffered = new BufferedOutput(stream(out));
  buffered.write('x'.repeat(10));
  assert.equal(buffered.backlog(), undefined, 'nothing is written before a chunk fills');
  assert.deepEqual(out.writes, []);
  out.full = true;
  buffered.write('y'.repeat(BufferedOutput.chunkSize));
  // A text of a whole chunk goes out as it is, after what was gathered before it.
  assert.deepEqual(out.writes, ['x'.repeat(10), 'y'.repeat(BufferedOutput.chunkSize)]);
  const backlog = buffered.backlog();
  assert.ok(backlog);
  let drained = false;
  void backlog.then(() => {
    drained = true;
  });
  await Promise.resolve();
  assert.equal(drained, false);
  out.full = false;
  out.emit('drain');
  await backlog;
  assert.equal(drained, true);
  assert.equal(buffered.backlog(), undefined);
});

test('parts posted as UTF-8 bytes by a worker write what the same parts as text write, in every format', () => {
  const findings = Array.from({ length: 30 }, (_, i) => finding(i));
  const encoder = new TextEncoder();
  for (const format of ['json', 'text', 'sarif'] as const) {
    const written = (encoded: (i: number) => boolean) => {
      const out = new FakeStream();
      const writer = reportWriter(format, stream(out));
      // Three parts: the first of them empty, so that the report's first finding opens a later part.
      for (let p = 0; p < 4; p++) {
        const builder = new PartBuilder(format);
        if (p > 0) for (const f of findings.slice((p - 1) * 10, p * 10)) builder.finding(f);
        if (p === 2) builder.problem(problem);
        const part = builder.part();
        writer.part(encoded(p) ? encodedPart(part, encoder).part : part);
      }
      writer.end(stats, []);
      return out.writes.map((w) => (typeof w === 'string' ? w : Buffer.from(w).toString('utf8'))).join('');
    };
    const asText = written(() => false);
    assert.equal(written(() => true), asText, format);
    assert.equal(written((p) => p % 2 === 1), asText, format);
    if (format === 'json') assert.equal(asText, `${JSON.stringify({ findings, problems: [problem], stats })}\n`);
  }
});
