import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  collectBatch,
  critiqueConcurrently,
  customIdOf,
  estimateDataset,
  submitBatch,
  waitForBatch,
  type BatchJob,
  type BatchProgress,
  type DatasetItem,
} from '../../server/src/critique/batch.ts';
import type { CritiqueOutcome } from '../../server/src/critique/types.ts';
import { MockAnthropic } from '../support/mockAnthropic.ts';
import { goodAnswer, request, transcriptText } from './fixtures.ts';

let mock: MockAnthropic;
const apiKey = 'sk-batch';
const items: DatasetItem[] = [
  { customId: customIdOf(0, 1), request: request(1) },
  { customId: customIdOf(0, 3), request: request(3) },
];

before(async () => {
  mock = await MockAnthropic.start({
    apiKey,
    batchPolls: 3,
    answer: (body) => (JSON.stringify(body.messages).includes('under_critique=\\"true\\">\\nWhat a great') ? goodAnswer : { findings: [], revision: 'Six minutes.' }),
  });
});
after(() => mock.close());

test('the estimate counts tokens through count_tokens and prices them approximately', async () => {
  mock.requests.length = 0;
  const estimate = await estimateDataset(items, { apiKey, baseURL: mock.url });
  const counts = mock.requestsTo('/v1/messages/count_tokens');
  assert.equal(counts.length, 3);
  assert.equal('output_config' in counts[0].body, false);
  assert.equal(estimate.requests, 2);
  assert.equal(estimate.counted, 2);
  assert.ok(estimate.inputTokens > estimate.cachedPrefixTokens && estimate.cachedPrefixTokens > 0);
  assert.equal(estimate.maxOutputTokens, 4096);
  assert.ok(estimate.costUSD && Math.abs(estimate.costUSD.batch - estimate.costUSD.standard / 2) < 1e-12);
});

test('a batch completes after several polls, and a new process resumes it from its saved state', async () => {
  mock.requests.length = 0;
  const job = await submitBatch(items, { apiKey, baseURL: mock.url });
  const [create] = mock.requestsTo('/v1/messages/batches');
  assert.deepEqual(create.body.requests.map((r: { custom_id: string }) => r.custom_id), ['c0-t1', 'c0-t3']);
  assert.deepEqual(create.body.requests[0].params.system[1].cache_control, { type: 'ephemeral' });
  assert.equal(create.body.requests[0].params.stream, undefined);
  assert.equal(create.body.requests[0].params.output_config.format.type, 'json_schema');

  // The first process polls once and stops (a crash, a window reload); only the JSON state survives.
  const saved = JSON.stringify(job);
  const progress: BatchProgress[] = [];
  const controller = new AbortController();
  await assert.rejects(
    waitForBatch(job, { apiKey, baseURL: mock.url, intervalMs: 0, signal: controller.signal, onProgress: (p) => (progress.push(p), controller.abort()) }),
    (e: { error: { kind: string } }) => e.error.kind === 'cancelled',
  );
  assert.deepEqual(progress.map((p) => p.ended), [false]);

  const resumed = JSON.parse(saved) as BatchJob;
  const later: boolean[] = [];
  await waitForBatch(resumed, { apiKey, baseURL: mock.url, intervalMs: 0, onProgress: (p) => later.push(p.ended) });
  assert.deepEqual(later, [false, false, true]);

  const outcomes = new Map<string, CritiqueOutcome>();
  await collectBatch(resumed, (_id, entry) => request(entry.turn), {
    apiKey,
    baseURL: mock.url,
    onResult: (id, outcome) => void outcomes.set(id, outcome),
  });
  assert.deepEqual([...outcomes.keys()], ['c0-t1', 'c0-t3']);
  const first = outcomes.get('c0-t1')!;
  assert.ok(first.ok);
  assert.equal(transcriptText.slice(first.result.findings[0].span!.start, first.result.findings[0].span!.end), 'What a great question!\\nPut');
  const second = outcomes.get('c0-t3')!;
  assert.ok(second.ok && second.result.revision === 'Six minutes.');
});

test('small jobs run as concurrent requests, no more than the bound at once', async () => {
  mock.requests.length = 0;
  mock.maxInFlight = 0;
  // The first stream is held open until a second request arrives, so the two overlap for certain.
  const release = mock.holdStreams();
  const answer = mock.answer;
  mock.answer = (body) => {
    if (mock.requestsTo('/v1/messages').length >= 2) release();
    return answer(body);
  };
  const many = Array.from({ length: 5 }, (_, i) => ({ customId: customIdOf(0, i % 2 ? 3 : 1) + `-${i}`, request: request(i % 2 ? 3 : 1) }));
  const done: string[] = [];
  await critiqueConcurrently(many, { apiKey, baseURL: mock.url, concurrency: 2, onResult: (id, o) => void (o.ok && done.push(id)) });
  assert.equal(done.length, 5);
  assert.equal(mock.requestsTo('/v1/messages').length, 5);
  assert.equal(mock.maxInFlight, 2);
  mock.answer = answer;
});
