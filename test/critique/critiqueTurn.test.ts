import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { critiqueTurn } from '../../server/src/critique/critiqueTurn.ts';
import { MemoryCritiqueCache } from '../../server/src/critique/fileCache.ts';
import type { CritiqueEvent } from '../../server/src/critique/types.ts';
import { MockAnthropic } from '../support/mockAnthropic.ts';
import { goodAnswer, request, transcriptText } from './fixtures.ts';

let mock: MockAnthropic;
const key = 'sk-test-key';

before(async () => {
  mock = await MockAnthropic.start({ apiKey: key, answer: () => goodAnswer, chunkSize: 7 });
});
after(() => mock.close());
beforeEach(() => {
  mock.requests.length = 0;
  mock.answer = () => goodAnswer;
});

const opts = (extra: object = {}) => ({ apiKey: key, baseURL: mock.url, maxRetries: 0, ...extra });

test('the request carries the instructions and the cached constitution as system blocks, JSON-schema output, no sampling parameters', async () => {
  const outcome = await critiqueTurn(request(3), opts());
  assert.equal(outcome.ok, true);
  const [sent] = mock.requestsTo('/v1/messages');
  assert.equal(sent.headers.authorization, `Bearer ${key}`);
  assert.equal(sent.headers['anthropic-version'], '2026-10-21');
  assert.equal(sent.headers['x-api-key'], undefined);
  const body = sent.body;
  assert.equal(body.model, 'claude-sonnet-5-5');
  assert.equal(body.max_tokens, 2048);
  assert.equal(body.stream, true);
  for (const p of ['temperature', 'top_p', 'top_k', 'tools', 'tool_choice']) assert.equal(p in body, false, p);
  assert.equal(body.system.length, 2);
  assert.equal(body.system[0].cache_control, undefined);
  assert.match(body.system[0].text, /Critique only the turn marked under_critique="true"/);
  assert.deepEqual(body.system[1].cache_control, { type: 'ephemeral' });
  assert.match(body.system[1].text, /^<constitution name="house" /);
  assert.match(body.system[1].text, /<clause id="no-sycophancy">\n<title>No sycophancy<\/title>\nDo not open with flattery/);
  assert.deepEqual(body.output_config.format.type, 'json_schema');
  assert.deepEqual(body.output_config.format.schema.required, ['findings', 'revision']);
  assert.deepEqual(body.output_config.format.schema.properties.findings.items.required, ['principle', 'quote', 'critique', 'severity']);
  assert.deepEqual(body.output_config.format.schema.properties.findings.items.properties.severity.enum, ['error', 'warning', 'info']);
  assert.equal(body.messages.length, 1);
  assert.equal(body.messages[0].role, 'user');
  const content = body.messages[0].content;
  assert.equal(content.length, 6);
  const fence = /^The conversation under review follows\. Each turn is enclosed between <(turn-[0-9a-f]{12}) \.\.\.> and <\/\1>\./.exec(content[0].text)?.[1];
  assert.ok(fence, content[0].text);
  assert.equal(content[1].text, `<${fence} index="0" role="user">\nHow do I boil an egg?\n</${fence}>`);
  assert.equal(content[3].text, `<${fence} index="2" role="user">\nAnd a soft one?\n</${fence}>`);
  assert.deepEqual(content[3].cache_control, { type: 'ephemeral' });
  assert.equal(content[0].cache_control, undefined);
  assert.equal(content[4].text, `<${fence} index="3" role="assistant" under_critique="true">\nGreat question again! Six minutes.\n</${fence}>`);
  assert.match(content[5].text, /^Critique turn 3 \(assistant\)/);
});

test('streaming yields started, text, findings as they complete, revision, usage and done, in order; quotes map to source spans', async () => {
  const events: CritiqueEvent[] = [];
  const outcome = await critiqueTurn(request(1), opts({ onEvent: (e: CritiqueEvent) => events.push(e) }));
  assert.ok(outcome.ok);
  const kinds = events.map((e) => e.type).filter((t, i, all) => t !== 'text' || all[i - 1] !== 'text');
  assert.deepEqual(kinds, ['started', 'text', 'finding', 'text', 'finding', 'text', 'revision', 'usage', 'done']);
  const text = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
  assert.deepEqual(JSON.parse(text), goodAnswer);
  const [first, second] = outcome.result.findings;
  assert.equal(transcriptText.slice(first.span!.start, first.span!.end), 'What a great question!\\nPut');
  assert.equal(transcriptText.slice(second.span!.start, second.span!.end), 'boiling water for \\"nine\\" minutes');
  assert.equal(first.turnOffset, 0);
  assert.equal(outcome.result.revision, goodAnswer.revision);
  assert.equal(outcome.result.cached, false);
  assert.ok(outcome.result.usage.input_tokens > 0 && outcome.result.usage.output_tokens > 0);
});

test('a quote that is not in the turn and an unknown principle are dropped, with reasons, and never placed', async () => {
  mock.answer = () => ({
    findings: [
      { principle: 'no-sycophancy', quote: 'How do I boil an egg?', critique: 'Quotes the user.', severity: 'error' },
      { principle: 'kindness', quote: 'great question', critique: 'No such clause.', severity: 'error' },
      { principle: 'no-sycophancy', quote: 'Great question again!', critique: 'Flattery.', severity: 'warning' },
    ],
    revision: 'Six minutes.',
  });
  const dropped: string[] = [];
  const outcome = await critiqueTurn(request(3), opts({ onEvent: (e: CritiqueEvent) => e.type === 'dropped' && dropped.push(e.dropped.reason) }));
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.result.findings.map((f) => f.quote), ['Great question again!']);
  assert.deepEqual(outcome.result.dropped.map((d) => d.reason), [
    'The quote "How do I boil an egg?" is not in the turn.',
    'The principle "kindness" is not a clause of the constitution that was sent.',
  ]);
  assert.deepEqual(dropped, outcome.result.dropped.map((d) => d.reason));
});

test('a 429 is retried after the retry-after the endpoint asked for', async () => {
  mock.failNext(429, 1, { retryAfter: '1' });
  const outcome = await critiqueTurn(request(1), opts({ maxRetries: 1 }));
  assert.ok(outcome.ok);
  const [first, second] = mock.requestsTo('/v1/messages');
  assert.ok(second.receivedAt - first.receivedAt >= 950, `waited ${second.receivedAt - first.receivedAt} ms`);
  assert.equal(second.headers['x-stainless-retry-count'], '1');
});

test('a 429 with no retries left is a rate-limit fault carrying retry-after', async () => {
  mock.failNext(429, 1, { retryAfter: '30' });
  const events: CritiqueEvent[] = [];
  const outcome = await critiqueTurn(request(1), opts({ onEvent: (e: CritiqueEvent) => events.push(e) }));
  assert.deepEqual(outcome, {
    ok: false,
    error: { kind: 'rate-limit', status: 429, retryAfterSeconds: 30, message: 'The endpoint is limiting the rate of requests and the retries ran out. Try again in 30 seconds.' },
  });
  assert.deepEqual(events.map((e) => e.type), ['error']);
});

test('a refused key is an auth fault naming the next step', async () => {
  const outcome = await critiqueTurn(request(1), opts({ apiKey: 'sk-wrong' }));
  assert.deepEqual(outcome, {
    ok: false,
    error: { kind: 'auth', status: 401, message: 'The API key was refused. Set a new key with “Constitution Lens: Set API Key”.' },
  });
});

test('no key sends nothing', async () => {
  const outcome = await critiqueTurn(request(1), { baseURL: mock.url });
  assert.equal(!outcome.ok && outcome.error.kind, 'no-key');
  assert.equal(mock.requests.length, 0);
});

test('a 529 is an overloaded fault', async () => {
  mock.failNext(529, 1);
  const outcome = await critiqueTurn(request(1), opts());
  assert.equal(!outcome.ok && outcome.error.kind, 'overloaded');
  assert.equal(!outcome.ok && outcome.error.status, 529);
});

test('a refused connection is a network fault, and an endpoint that never answers a timeout', async () => {
  const closed = await MockAnthropic.start();
  const url = closed.url;
  await closed.close();
  const offline = await critiqueTurn(request(1), opts({ baseURL: url }));
  assert.equal(!offline.ok && offline.error.kind, 'network');
  assert.match(!offline.ok ? offline.error.message : '', /^Could not reach http:\/\/127\.0\.0\.1:\d+\. Check the network connection/);
  mock.hangNext(1);
  const slow = await critiqueTurn(request(1), opts({ timeoutMs: 200 }));
  assert.equal(!slow.ok && slow.error.kind, 'timeout');
});

test('cancelling mid-stream ends in a cancelled fault with no result and no done event', async () => {
  const release = mock.holdStreams();
  const controller = new AbortController();
  const events: CritiqueEvent[] = [];
  const outcome = await critiqueTurn(
    request(1),
    opts({
      signal: controller.signal,
      onEvent: (e: CritiqueEvent) => {
        events.push(e);
        if (e.type === 'text') controller.abort();
      },
    }),
  );
  release();
  assert.equal(!outcome.ok && outcome.error.kind, 'cancelled');
  assert.deepEqual([...new Set(events.map((e) => e.type))], ['started', 'text', 'error']);
});

test('a cached critique replays its result without a request', async () => {
  const cache = new MemoryCritiqueCache();
  const first = await critiqueTurn(request(1), opts({ cache }));
  assert.ok(first.ok);
  assert.equal(mock.requests.length, 1);
  const events: string[] = [];
  const second = await critiqueTurn(request(1), opts({ cache, onEvent: (e: CritiqueEvent) => events.push(e.type) }));
  assert.ok(second.ok);
  assert.equal(mock.requests.length, 1);
  assert.equal(second.result.cached, true);
  assert.deepEqual(second.result.findings, first.result.findings);
  assert.deepEqual(events, ['started', 'finding', 'finding', 'revision', 'usage', 'done']);
  const otherTurn = await critiqueTurn(request(3), opts({ cache }));
  assert.ok(otherTurn.ok && !otherTurn.result.cached);
  assert.equal(mock.requests.length, 2);
});

test('ten critiques of one transcript read most of their input tokens from the prompt cache', async () => {
  const fresh = await MockAnthropic.start({ answer: () => ({ findings: [], revision: '' }) });
  try {
    let read = 0;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const outcome = await critiqueTurn(request(i % 2 === 0 ? 1 : 3), { apiKey: key, baseURL: fresh.url });
      assert.ok(outcome.ok);
      const u = outcome.result.usage;
      read += u.cache_read_input_tokens;
      total += u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
    }
    assert.ok(read / total > 0.8, `read ${read} of ${total}`);
  } finally {
    await fresh.close();
  }
});

test('an answer that is not JSON is a bad-response fault, and a turn out of range a bad-request one', async () => {
  mock.answer = () => 'I think the turn is fine.';
  const prose = await critiqueTurn(request(1), opts());
  assert.equal(!prose.ok && prose.error.kind, 'bad-response');
  const turnOutOfRange = await critiqueTurn(request(9), opts());
  assert.deepEqual(turnOutOfRange, { ok: false, error: { kind: 'bad-request', message: 'The conversation has no turn 9 (it has 4).' } });
});
