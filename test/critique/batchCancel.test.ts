import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { followBatch, type PendingJob, type PendingStore } from '../../client/src/critique/batchFollow.ts';
import { cancelBatch, customIdOf, submitBatch, type BatchProgress, type DatasetItem } from '../../server/src/critique/batch.ts';
import type { CritiqueOutcome } from '../../server/src/critique/types.ts';
import { MockAnthropic } from '../support/mockAnthropic.ts';
import { goodAnswer, request } from './fixtures.ts';

let mock: MockAnthropic;
const apiKey = 'sk-cancel';
const endpoint = () => ({ apiKey, baseURL: mock.url });
const items: DatasetItem[] = [
  { customId: customIdOf(0, 1), request: request(1) },
  { customId: customIdOf(0, 3), request: request(3) },
];

before(async () => {
  // The batch never ends by itself; after each poll one of its two requests has finished.
  mock = await MockAnthropic.start({ apiKey, batchPolls: 1000, batchDone: () => 1, answer: () => goodAnswer });
});
after(() => mock.close());

/** A store in memory, as the workspace state keeps the jobs in the editor. */
function memoryStore(jobs: PendingJob[]): PendingStore & { jobs: PendingJob[] } {
  return {
    jobs,
    list() {
      return this.jobs;
    },
    save(next) {
      this.jobs = [...next];
      return Promise.resolve();
    },
  };
}

async function batchJson(id: string): Promise<any> {
  const res = await fetch(`${mock.url}/v1/messages/batches/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return res.json();
}

test('the mock cancels a batch as the API does: canceling, then ended with the unfinished requests canceled', async () => {
  const job = await submitBatch(items, endpoint());
  assert.equal((await batchJson(job.batchId)).request_counts.succeeded, 1);
  const canceling = await cancelBatch(job, endpoint());
  assert.deepEqual(canceling, { ended: false, processing: 1, succeeded: 1, errored: 0, canceled: 0, expired: 0 });
  const ended = await batchJson(job.batchId);
  assert.equal(ended.processing_status, 'ended');
  assert.deepEqual(ended.request_counts, { processing: 0, succeeded: 1, errored: 0, canceled: 1, expired: 0 });
  assert.equal(typeof ended.cancel_initiated_at, 'string');
  assert.ok(Date.parse(ended.cancel_initiated_at) <= Date.parse(ended.ended_at));
  const results = await fetch(`${mock.url}/v1/messages/batches/${job.batchId}/results`, { headers: { authorization: `Bearer ${apiKey}` } });
  const lines = (await results.text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.custom_id, l.result.type]), [
    ['c0-t1', 'succeeded'],
    ['c0-t3', 'canceled'],
  ]);
});

test('cancelling a followed batch cancels it at the API, keeps what came back and drops the saved job', async () => {
  const job = await submitBatch(items, endpoint());
  const other: PendingJob = { job: { ...job, batchId: 'msgbatch_other' }, documentUri: 'file:///other.jsonl', constitution: 'house', maxTokens: 2048 };
  const pending: PendingJob = { job, documentUri: 'file:///set.jsonl', constitution: 'house', maxTokens: 2048 };
  const store = memoryStore([other, pending]);
  mock.requests.length = 0;
  const abort = new AbortController();
  const seen: [BatchProgress, boolean][] = [];
  const outcomes = new Map<string, CritiqueOutcome>();
  const end = await followBatch(pending, {
    ...endpoint(),
    signal: abort.signal,
    store,
    intervalMs: 60_000,
    onProgress: (p, canceling) => {
      seen.push([p, canceling]);
      // The user cancels the progress notification after the first poll.
      abort.abort();
    },
    prepare: async () => (_id, entry) => request(entry.turn),
    onResult: (id, outcome) => void outcomes.set(id, outcome),
  });

  assert.deepEqual(
    mock.requests.map((r) => `${r.method} ${r.path}`),
    [
      `GET /v1/messages/batches/${job.batchId}`,
      `POST /v1/messages/batches/${job.batchId}/cancel`,
      `GET /v1/messages/batches/${job.batchId}`,
      // The SDK reads the results through the batch's results_url, so it retrieves the batch once more.
      `GET /v1/messages/batches/${job.batchId}`,
      `GET /v1/messages/batches/${job.batchId}/results`,
    ],
  );
  assert.deepEqual(seen.map(([p, canceling]) => [p.ended, p.succeeded, p.canceled, canceling]), [
    [false, 1, 0, false],
    [false, 1, 0, true],
    [true, 1, 1, true],
  ]);
  assert.deepEqual(end, { cancelled: true, collected: true, progress: { ended: true, processing: 0, succeeded: 1, errored: 0, canceled: 1, expired: 0 } });
  assert.deepEqual(store.jobs, [other], 'only the cancelled job is dropped');
  const kept = outcomes.get('c0-t1');
  assert.ok(kept?.ok, 'the request that had finished is collected');
  assert.deepEqual(kept.result.findings.map((f) => f.principle), ['no-sycophancy', 'helpful']);
  const cancelled = outcomes.get('c0-t3');
  assert.ok(cancelled && !cancelled.ok);
  assert.equal(cancelled.error.kind, 'cancelled');
});

test('a followed batch that ends by itself is collected and its job dropped, with no cancel sent', async () => {
  mock.batchPolls = 1;
  try {
    const job = await submitBatch(items, endpoint());
    const pending: PendingJob = { job, documentUri: 'file:///set.jsonl', constitution: 'house', maxTokens: 2048 };
    const store = memoryStore([pending]);
    mock.requests.length = 0;
    const ids: string[] = [];
    const end = await followBatch(pending, {
      ...endpoint(),
      store,
      intervalMs: 0,
      prepare: async () => (_id, entry) => request(entry.turn),
      onResult: (id, outcome) => void (outcome.ok && ids.push(id)),
    });
    assert.equal(end.cancelled, false);
    assert.deepEqual(ids, ['c0-t1', 'c0-t3']);
    assert.deepEqual(store.jobs, []);
    assert.equal(mock.requests.filter((r) => r.path.endsWith('/cancel')).length, 0);
  } finally {
    mock.batchPolls = 1000;
  }
});

test('a batch that cannot be collected yet (no resolver) stays saved for the next session', async () => {
  mock.batchPolls = 0;
  try {
    const job = await submitBatch(items, endpoint());
    const pending: PendingJob = { job, documentUri: 'file:///set.jsonl', constitution: 'house', maxTokens: 2048 };
    const store = memoryStore([pending]);
    const end = await followBatch(pending, { ...endpoint(), store, intervalMs: 0, prepare: async () => undefined, onResult: () => undefined });
    assert.equal(end.collected, false);
    assert.deepEqual(store.jobs, [pending]);
  } finally {
    mock.batchPolls = 1000;
  }
});

test('a window that closes stops following without cancelling the batch, and keeps the job for the next window', async () => {
  const job = await submitBatch(items, endpoint());
  const pending: PendingJob = { job, documentUri: 'file:///set.jsonl', constitution: 'house', maxTokens: 2048 };
  const store = memoryStore([pending]);
  mock.requests.length = 0;
  const stop = new AbortController();
  await assert.rejects(
    followBatch(pending, {
      ...endpoint(),
      signal: new AbortController().signal,
      stop: stop.signal,
      store,
      intervalMs: 60_000,
      onProgress: () => stop.abort(),
      prepare: async () => (_id, entry) => request(entry.turn),
      onResult: () => undefined,
    }),
    (e: { error: { kind: string } }) => e.error.kind === 'cancelled',
  );
  assert.deepEqual(mock.requests.map((r) => `${r.method} ${r.path}`), [`GET /v1/messages/batches/${job.batchId}`]);
  assert.deepEqual(store.jobs, [pending]);
});
