import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCritique } from '../../server/src/cli/critique.ts';
import { MockAnthropic } from '../support/mockAnthropic.ts';
import { submitBatch } from '../../server/src/critique/batch.ts';
import { constitutionText, goodAnswer, request, transcriptText } from './fixtures.ts';

let mock: MockAnthropic;
let dir: string;
const apiKey = 'sk-cli';

before(async () => {
  mock = await MockAnthropic.start({ apiKey, batchPolls: 1, answer: () => goodAnswer });
  dir = mkdtempSync(join(tmpdir(), 'critique-cli-'));
  writeFileSync(join(dir, 'house.constitution.md'), constitutionText);
  writeFileSync(join(dir, 'eggs.json'), transcriptText);
});
after(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string | undefined> = { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: mock.url }) {
  let stdout = '';
  let stderr = '';
  const code = await runCritique(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: dir,
  });
  return { code, stdout, stderr };
}

test('critique of one turn prints findings with ranges, the revision and the usage', async () => {
  const r = await run(['--constitution', 'house.constitution.md', '--turn', '1', 'eggs.json']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const path = join(dir, 'eggs.json');
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `${path}: conversation 0, turn 1 (assistant), critiqued by claude-sonnet-5-5`);
  const col = transcriptText.indexOf('What a great') + 1;
  assert.equal(lines[3], `  ${path}:1:${col}-1:${col + 'What a great question!\\nPut'.length} warning [no-sycophancy] Opens with flattery.`);
  assert.ok(lines.includes('Revision:'));
  assert.ok(lines.includes('  Put the egg in boiling water for nine minutes.'));
  assert.match(r.stdout, /Usage: \d+ input tokens \(\d+ read from cache, \d+ written to cache\), \d+ output tokens\./);
});

test('--format json prints one object; a dropped quote is listed apart; an error-level finding exits 1', async () => {
  mock.answer = () => ({
    findings: [
      { principle: 'helpful', quote: 'Six minutes.', critique: 'Too terse.', severity: 'error' },
      { principle: 'helpful', quote: 'Seven minutes.', critique: 'Not there.', severity: 'error' },
    ],
    revision: 'Six minutes for a soft yolk.',
  });
  const r = await run(['--constitution', 'house.constitution.md', '--turn', '3', '--format', 'json', 'eggs.json']);
  mock.answer = () => goodAnswer;
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  const at = transcriptText.indexOf('Six minutes.');
  assert.deepEqual(report.findings[0].range, { start: { line: 0, character: at }, end: { line: 0, character: at + 12 } });
  assert.deepEqual(report.dropped, [{ principle: 'helpful', quote: 'Seven minutes.', critique: 'Not there.', severity: 'error', reason: 'The quote "Seven minutes." is not in the turn.' }]);
  assert.equal(report.revision, 'Six minutes for a soft yolk.');
});

test('without a key, with a wrong key, or with bad arguments the command exits 2 with a plain message', async () => {
  const noKey = await run(['--constitution', 'house.constitution.md', '--turn', '1', 'eggs.json'], { ANTHROPIC_BASE_URL: mock.url });
  assert.equal(noKey.code, 2);
  assert.equal(noKey.stderr, 'No API key is set, so nothing was sent. Set ANTHROPIC_API_KEY to a valid key.\n');
  const wrong = await run(['--constitution', 'house.constitution.md', '--turn', '1', 'eggs.json'], { ANTHROPIC_API_KEY: 'sk-no', ANTHROPIC_BASE_URL: mock.url });
  assert.equal(wrong.code, 2);
  assert.equal(wrong.stderr, 'The API key was refused. Set ANTHROPIC_API_KEY to a valid key.\n');
  const noTurn = await run(['--constitution', 'house.constitution.md', 'eggs.json']);
  assert.equal(noTurn.code, 2);
  assert.match(noTurn.stderr, /^Name the turn to critique with --turn N\./);
  const outOfRange = await run(['--constitution', 'house.constitution.md', '--turn', '7', 'eggs.json']);
  assert.equal(outOfRange.code, 2);
  assert.match(outOfRange.stderr, /has no turn 7 \(it has 4\)/);
});

test('a dataset is estimated, batched, written beside it as JSONL, and a second run resumes rather than repeats', async () => {
  const lines = Array.from({ length: 3 }, () => transcriptText).join('\n');
  writeFileSync(join(dir, 'set.jsonl'), `${lines}\n`);
  mock.requests.length = 0;
  const r = await run(['--dataset', 'set.jsonl', '--constitution', 'house.constitution.md', '--batch-threshold', '4', '--poll-interval', '0']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Estimate: 6 turns, \d+ input tokens/);
  assert.match(r.stdout, /Sending them as a message batch\./);
  assert.equal(mock.requestsTo('/v1/messages/batches').length, 1);
  const out = readFileSync(join(dir, 'set.jsonl.critique.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.custom_id), ['c0-t1', 'c0-t3', 'c1-t1', 'c1-t3', 'c2-t1', 'c2-t3']);
  assert.equal(out[2].findings[0].range.start.line, 1);
  assert.equal(out[2].findings[0].range.start.character, transcriptText.indexOf('What a great'));
  assert.equal(existsSync(join(dir, 'set.jsonl.critique-job.json')), false);

  mock.requests.length = 0;
  const again = await run(['--dataset', 'set.jsonl', '--constitution', 'house.constitution.md']);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /^Nothing to critique/);
  assert.equal(mock.requests.length, 0);
});

test('a dataset whose batch job was saved resumes polling that batch', async () => {
  writeFileSync(join(dir, 'resume.jsonl'), `${transcriptText}\n`);
  const first = await run(['--dataset', 'resume.jsonl', '--constitution', 'house.constitution.md', '--batch-threshold', '1', '--poll-interval', '0'], {
    ANTHROPIC_API_KEY: apiKey,
    ANTHROPIC_BASE_URL: mock.url,
  });
  assert.equal(first.code, 0);
  // A crash after submission leaves only the job state: submit a batch as that process did, keep its state, drop the results.
  mock.requests.length = 0;
  const job = await submitBatch([{ customId: 'c0-t1', request: request(1) }], { apiKey, baseURL: mock.url });
  const batchId = job.batchId;
  writeFileSync(
    join(dir, 'resume.jsonl.critique-job.json'),
    JSON.stringify(job),
  );
  rmSync(join(dir, 'resume.jsonl.critique.jsonl'));
  const resumed = await run(['--dataset', 'resume.jsonl', '--constitution', 'house.constitution.md', '--poll-interval', '0']);
  assert.equal(resumed.stderr, '');
  assert.equal(resumed.code, 0);
  assert.match(resumed.stdout, new RegExp(`^Resuming batch ${batchId} \\(1 turns\\)\\.`));
  assert.equal(mock.requestsTo('/v1/messages/batches').length, 1, 'only the test itself created a batch');
  assert.equal(mock.requestsTo('/v1/messages/count_tokens').length, 0);
  const out = readFileSync(join(dir, 'resume.jsonl.critique.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.custom_id), ['c0-t1']);
  assert.equal(existsSync(join(dir, 'resume.jsonl.critique-job.json')), false);
});

test('an endpoint that cannot be reached is named with ANTHROPIC_BASE_URL, not a setting', async () => {
  const closed = await MockAnthropic.start();
  const url = closed.url;
  await closed.close();
  const r = await run(['--constitution', 'house.constitution.md', '--turn', '1', 'eggs.json'], { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: url });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `Could not reach ${url}. Check the network connection (and ANTHROPIC_BASE_URL, if you set one), then try again.\n`);
});

test('without --model the command line asks for the model the editor uses by default; CONSTITUTION_LENS_MODEL and --model change it', async () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
  const editorDefault = manifest.contributes.configuration.properties['constitutionLens.model']!.default;
  const modelOf = async (argv: string[], env: Record<string, string>) => {
    mock.requests.length = 0;
    const r = await run([...argv, '--constitution', 'house.constitution.md', '--turn', '1', 'eggs.json'], { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: mock.url, ...env });
    assert.equal(r.code, 0, r.stderr);
    return mock.requestsTo('/v1/messages')[0]?.body.model;
  };
  assert.equal(await modelOf([], {}), editorDefault);
  assert.equal(await modelOf([], { CONSTITUTION_LENS_MODEL: 'claude-haiku-5-5' }), 'claude-haiku-5-5');
  assert.equal(await modelOf(['--model', 'claude-opus-5-5'], { CONSTITUTION_LENS_MODEL: 'claude-haiku-5-5' }), 'claude-opus-5-5');
});
