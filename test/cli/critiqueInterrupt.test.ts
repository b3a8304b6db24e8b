import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MockAnthropic } from '../support/mockAnthropic.ts';
import { constitutionText, goodAnswer, transcriptText } from '../critique/fixtures.ts';
import { builtFile } from '../support/dist.ts';

// The built command, as a user runs it (the test runner builds before it runs the tests).
const cli = builtFile('cli.js');
const apiKey = 'sk-interrupt';
let mock: MockAnthropic;
let dir: string;

before(async () => {
  // The batch never ends by itself; after each poll one of its two requests has finished.
  mock = await MockAnthropic.start({ apiKey, batchPolls: 1_000_000, batchDone: () => 1, answer: () => goodAnswer });
  dir = mkdtempSync(join(tmpdir(), 'critique-interrupt-'));
  writeFileSync(join(dir, 'house.constitution.md'), constitutionText);
  writeFileSync(join(dir, 'set.jsonl'), `${transcriptText}\n`);
});
after(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Ctrl-C while a dataset batch runs cancels the batch at the API, keeps what came back and exits 130', async () => {
  const child = spawn(
    process.execPath,
    [cli, 'critique', '--dataset', 'set.jsonl', '--constitution', 'house.constitution.md', '--batch-threshold', '1', '--poll-interval', '60'],
    { cwd: dir, env: { ...process.env, ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: mock.url } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  // The first poll reports one turn done; the CLI then waits a minute for the next, and Ctrl-C comes.
  let interrupted = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    if (!interrupted && / 1 of 2 done\.\n/.test(stdout)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  const code = await exited;
  assert.ok(interrupted, `the batch was never reported running:\n${stdout}${stderr}`);

  const batchId = /Submitted batch (\S+);/.exec(stdout)?.[1];
  assert.ok(batchId, stdout);
  const out = join(dir, 'set.jsonl.critique.jsonl');
  assert.equal(code, 130, stderr);
  assert.equal(stderr, `Interrupted: cancelling batch ${batchId} (Ctrl-C again to stop waiting)…\n`);
  assert.match(stdout, new RegExp(`\\nCancelled batch ${batchId}: 1 of 2 turns had come back and are in ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; run this again to critique the other 1\\.\\n$`));
  assert.deepEqual(
    mock.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1/messages/batches/')).map((r) => r.path),
    [`/v1/messages/batches/${batchId}/cancel`],
  );
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.custom_id), ['c0-t1']);
  assert.equal(lines[0].findings[0].principle, 'no-sycophancy');
  assert.equal(existsSync(join(dir, 'set.jsonl.critique-job.json')), false, 'the job of a cancelled batch is not resumed');
});
