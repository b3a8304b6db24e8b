import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { checkInOrder, type PlacedRange, type RangeWorker } from '../../server/src/cli/checkPool.ts';
import type { RangeReport } from '../../server/src/cli/checkRange.ts';
import { PartBuilder } from '../../server/src/cli/reportPart.ts';
import { noRoles } from '../../server/src/cli/reportWriter.ts';
import { runCheck } from '../../server/src/cli/check.ts';
import { collector } from '../support/collector.ts';
import { builtFile } from '../support/dist.ts';

/** The worker bundle that `npm run build` makes; the test runner builds before it runs the tests. */
const threadScript = builtFile('checkThread.js');

/**
 * The policy of the `check` command's tests (detectors of phrases and of openings), its claims-human
 * an error here, so that the exit code says whether findings made on a worker thread were counted.
 */
const constitution = readFileSync(resolve('test', 'fixtures', 'check', 'policy.constitution.md'), 'utf8').replace(
  '- id: claims-human\n  kind: phrases\n',
  '- id: claims-human\n  kind: phrases\n  severity: error\n',
);

const chat = (user: string, assistant: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...extra, messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

/**
 * A JSONL of about 60 KB, so that ranges of a few hundred bytes cut it into hundreds: a byte order
 * mark, CRLF and LF line breaks, blank lines, broken lines, lines of several ranges' length, multi-byte
 * characters on both sides of a cut, escapes, a U+FEFF starting a later line, preference pairs (two
 * conversations a record), and no line break at the end.
 */
function dataset(): string {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const k = i % 10;
    if (k === 0) lines.push(chat(`Are you a bot? ${i}`, `No, I am a human. ${'é'.repeat(i % 7)}`));
    else if (k === 1) lines.push(chat('Sum?', `What a great question! ${i} 😀`));
    else if (k === 2) lines.push('');
    else if (k === 3) lines.push(i % 20 === 3 ? '{"messages": [broken' : chat('ü'.repeat(900), `Fine. I'm a real person\\u0021 ${i}`));
    else if (k === 4) lines.push(JSON.stringify({ chosen: `\n\nHuman: hi ${i}\n\nAssistant: Great question! I am a human.`, rejected: '\n\nHuman: hi\n\nAssistant: Hello.' }));
    else if (k === 5) lines.push(`\ufeff${chat('x', 'y')}`);
    else if (k === 6) lines.push('   ');
    else lines.push(chat(`Question ${i}`, `An answer, ${'ä'.repeat(i % 50)} with no flags.`, { id: `r${i}` }));
  }
  return `\ufeff${lines.map((l, i) => (i % 3 === 0 ? `${l}\r` : l)).join('\n')}`;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function check(dir: string, args: string[], options: { workerScript?: string; rangeBytes?: number } = {}): Promise<Run> {
  const out = collector();
  const err = collector();
  const code = await runCheck(['--constitution', 'policy.constitution.md', ...args, 'data.jsonl'], {
    stdout: out.stream,
    stderr: err.stream,
    cwd: dir,
    starterPath: join(dir, 'policy.constitution.md'),
    ...options,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lens-threads-'));
  writeFileSync(join(dir, 'policy.constitution.md'), constitution);
  writeFileSync(join(dir, 'data.jsonl'), dataset());
  return dir;
}

/** The report without its timing, which is all that may differ between runs. */
const untimed = (stdout: string) => stdout.replace(/"ms":\d+/, '"ms":0').replace(/ in \d+ ms/, ' in 0 ms');

/** The worker bundle, counting in `marker` the ranges it is sent. */
function countingThread(dir: string): { script: string; ranges: () => number } {
  const marker = join(dir, 'ranges');
  const script = join(dir, 'counting-thread.cjs');
  writeFileSync(
    script,
    `require('node:worker_threads').parentPort.on('message', (m) => { if (m.id !== undefined) require('node:fs').appendFileSync(${JSON.stringify(marker)}, '.'); });\n` +
      `require(${JSON.stringify(threadScript)});\n`,
  );
  return { script, ranges: () => (existsSync(marker) ? readFileSync(marker, 'utf8').length : 0) };
}

test('a JSONL shared between threads in small ranges gets the report it gets read whole on one thread', { skip: !existsSync(threadScript) && 'run `npm run build` first: the worker bundle is missing' }, async () => {
  const dir = workspace();
  const thread = countingThread(dir);
  for (const format of ['json', 'text', 'sarif']) {
    const whole = await check(dir, ['--format', format, '--jobs', '1'], { rangeBytes: 1 << 30 });
    assert.equal(whole.code, 1, whole.stderr);
    for (const [jobs, rangeBytes] of [
      ['1', 300],
      ['2', 300],
      ['3', 97],
      ['2', 2048],
    ] as const) {
      const shared = await check(dir, ['--format', format, '--jobs', jobs], { workerScript: thread.script, rangeBytes });
      assert.equal(shared.code, 1, shared.stderr);
      assert.equal(shared.stderr, '');
      assert.equal(untimed(shared.stdout), untimed(whole.stdout), `${format}, ${jobs} threads, ranges of ${rangeBytes} bytes`);
    }
  }
  // The workers did check ranges.
  assert.ok(thread.ranges() > 100, `the workers were sent ${thread.ranges()} ranges`);
  // And the report is right, not only the same: every finding underlines its words, on its line.
  const report = JSON.parse((await check(dir, ['--format', 'json', '--jobs', '3'], { workerScript: thread.script, rangeBytes: 97 })).stdout) as {
    findings: { rule: string; conversation: number; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
    problems: { code: string; range: { start: { line: number } } }[];
    stats: { conversations: number; turns: number; bytes: number };
  };
  const lines = dataset().replace(/^\ufeff/, '').split(/\r?\n/);
  const words = report.findings.map((f) => lines[f.range.start.line].slice(f.range.start.character, f.range.end.character));
  assert.ok(report.findings.length > 150);
  for (const w of words) assert.match(w, /^(I am a human|I'm a real person|What a great question|Great question)$/);
  // A broken line, and a line that starts with U+FEFF (a byte order mark only at the very start of a file), is not JSON.
  assert.deepEqual(
    report.problems.map((p) => [p.code, p.range.start.line]),
    lines.flatMap((l, i) => (l.startsWith('{"messages": [broken') || l.startsWith('\ufeff') ? [['jsonl.syntax', i]] : [])),
  );
  // Records are numbered through the file, blank lines not counted.
  const recordOf = (line: number) => lines.slice(0, line).filter((l) => l.trim() !== '').length;
  for (const f of report.findings) assert.equal(f.conversation, recordOf(f.range.start.line));
  assert.equal(report.stats.bytes, Buffer.byteLength(dataset()));
});

test('when a worker thread fails, the command checks its ranges itself and loses nothing', async () => {
  const dir = workspace();
  const whole = await check(dir, ['--format', 'json', '--jobs', '1']);
  // A worker that cannot start; one that stops at its first range; one that fails every range.
  const onRange = 'const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => { if (m.constitutions) return;';
  for (const body of [
    'throw new Error("the worker cannot start");',
    `${onRange} process.exit(3); });`,
    `${onRange} require("node:fs").appendFileSync(${JSON.stringify(join(dir, 'asked'))}, "."); parentPort.postMessage({ id: m.id, error: "no" }); });`,
  ]) {
    const script = join(dir, 'broken-thread.cjs');
    writeFileSync(script, body);
    const run = await check(dir, ['--format', 'json', '--jobs', '3'], { workerScript: script, rangeBytes: 200 });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(untimed(run.stdout), untimed(whole.stdout), body);
  }
  // The failing workers were sent ranges, and each came back to the command's thread.
  assert.ok(readFileSync(join(dir, 'asked'), 'utf8').length > 0);
});

test('the top of a file is checked on the command\'s thread, and a worker that is still starting is sent the next ranges', async () => {
  const ranges = [0, 1, 2, 3, 4, 5].map((n) => ({ range: { start: n, end: n + 1 }, place: { path: 'data.jsonl', line: n, record: n } }));
  const part = new PartBuilder('json').part();
  const report = (n: number): RangeReport => ({ lines: n, records: 0, bytes: 1, conversations: 0, turns: 0, roles: noRoles(), reviewed: 0, part });
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const here: number[] = [];
  const sent: number[] = [];
  // A worker that answers nothing until it is ready, as one that is still compiling the constitutions.
  const starting = {
    alive: true,
    outstanding: 0,
    check(_path: string, { range }: PlacedRange): Promise<RangeReport> {
      sent.push(range.start);
      this.outstanding++;
      return started.then(() => {
        this.outstanding--;
        return report(range.start);
      });
    },
  };
  const written: number[] = [];
  await checkInOrder(
    'data.jsonl',
    ranges.values(),
    ({ range }) => {
      here.push(range.start);
      if (here.length === 2) setTimeout(ready, 10);
      return report(range.start);
    },
    [starting as unknown as RangeWorker],
    (r) => {
      written.push(r.lines);
      return undefined;
    },
  );
  assert.equal(here[0], 0, 'the first range is checked here');
  assert.deepEqual(sent.slice(0, 2), [1, 2], 'the next two went to the worker before it was ready');
  assert.deepEqual([...here, ...sent].sort(), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(written, [0, 1, 2, 3, 4, 5], 'written in file order');
});

test('--jobs takes a number of threads of at least one', async () => {
  const dir = workspace();
  for (const bad of ['0', 'two', '-1', '1.5']) {
    const run = await check(dir, ['--jobs', bad]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--jobs takes a number of threads/);
  }
  const help = collector();
  await runCheck(['--help'], { stdout: help.stream, stderr: help.stream, cwd: dir, starterPath: '' });
  assert.match(help.text(), /--jobs N/);
});
