import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');
const fixtures = resolve('test', 'fixtures', 'formats');

/** What `check` reads from each sample: conversations, then turns. */
const expected: Record<string, [number, number]> = {
  'chatgpt-export.json': [1, 2],
  'claude-code-session.jsonl': [1, 3],
  'claude-export.json': [1, 2],
  'docent-run.json': [1, 4],
  'dpo-pairs.jsonl': [2, 4],
  'gemini-request.json': [1, 4],
  'inspect-log.json': [1, 3],
  'inspect-sample.json': [1, 2],
  'lmsys-chat.jsonl': [2, 18],
  'oasst-tree.json': [2, 8],
  'openai-evals-log.jsonl': [2, 4],
  'openai-response.json': [1, 1],
  'petri-transcript.json': [1, 2],
  'promptfoo-export.json': [2, 4],
  'sharegpt-system.json': [2, 6],
  'sharegpt-toolcall.jsonl': [1, 12],
  'tau-bench.json': [1, 6],
};

function check(args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args], { cwd: fixtures, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    stats: { files: number; conversations: number; turns: number };
    problems: { path: string; severity: string; code: string }[];
  };
}

for (const [file, [conversations, turns]] of Object.entries(expected)) {
  test(`check reads ${file}: ${conversations} conversations, ${turns} turns`, () => {
    const report = check([file]);
    assert.deepEqual([report.stats.conversations, report.stats.turns], [conversations, turns]);
    assert.deepEqual(
      report.problems.filter((p) => p.severity !== 'info'),
      [],
    );
  });
}

test('check over the folder of samples adds them up, one thread or two', () => {
  const conversations = Object.values(expected).reduce((n, [c]) => n + c, 0);
  const turns = Object.values(expected).reduce((n, [, t]) => n + t, 0);
  for (const threads of ['1', '2']) {
    const report = check(['--jobs', threads, '.']);
    assert.deepEqual([report.stats.files, report.stats.conversations, report.stats.turns], [Object.keys(expected).length, conversations, turns]);
  }
});
