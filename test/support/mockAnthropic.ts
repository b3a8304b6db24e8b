/**
 * A local stand-in for the Anthropic Messages API, for tests and benchmarks. It speaks the API as the
 * SDK expects it: `POST /v1/messages` plain and as server-sent events in the real order (message_start,
 * content_block_start, ping, content_block_delta text_delta chunks, content_block_stop, message_delta,
 * message_stop), `POST /v1/messages/count_tokens`, and the Message Batches endpoints (create, retrieve,
 * results, cancel: `canceling` until the next retrieval, then `ended` with the unfinished requests
 * counted and listed as `canceled`). Usage follows the
 * `cache_control` breakpoints it is sent, as the real API does: the first request with a prefix writes
 * it to the cache, later ones read it (with a lookback of 20 blocks from each breakpoint). Tokens are
 * counted roughly, a quarter of the characters. Faults are injected per test, every request is recorded,
 * and the model's answer is scripted by a function of the request body.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the mock received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: any;
  readonly receivedAt: number;
}

/** Returns the model's answer for a request body: an object (sent as JSON text) or raw text. */
export type AnswerScript = (body: any) => unknown;

/**
 * The answer of a critique of the example chats: the flattering opener "What a great question!" is a
 * finding where a request holds it, with a revision; any other turn has no finding and is unchanged.
 */
export const flatteringOpenerAnswer: AnswerScript = (body) =>
  JSON.stringify(body.messages).includes('What a great question!')
    ? { findings: [{ principle: 'no-flattery', quote: 'What a great question!', critique: 'Flattering opener.', severity: 'warning' }], revision: 'Yes: connect it with the optical cable or pair it over Bluetooth.' }
    : { findings: [], revision: 'Unchanged.' };

export interface MockAnthropicOptions {
  readonly answer?: AnswerScript;
  /** Characters per text_delta event (default 16). */
  readonly chunkSize?: number;
  /** How many retrievals of a batch answer `in_progress` before it has ended (default 2). */
  readonly batchPolls?: number;
  /** When set, requests whose bearer token differs get a 401. */
  readonly apiKey?: string;
  /** How many of a batch's requests have finished after `polls` retrievals, before it has ended (default: a share in step with the polls). */
  readonly batchDone?: (polls: number, total: number) => number;
}

interface Fault {
  readonly status: number;
  readonly retryAfter?: string;
  readonly message?: string;
}

interface Batch {
  readonly id: string;
  readonly requests: ReadonlyArray<{ custom_id: string; params: any }>;
  readonly createdAt: string;
  polls: number;
  results?: string;
  /** Set by a cancel: when it was asked for, how many requests had finished then, and whether a retrieval has seen it end since. */
  cancel?: { readonly at: string; readonly done: number; ended: boolean };
  endedAt?: string;
}

const errorTypes: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Rough token count: a quarter of the characters, rounded up. */
export function mockTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class MockAnthropic {
  readonly #server: Server;
  readonly #faults: Fault[] = [];
  readonly #cache = new Set<string>();
  readonly #batches = new Map<string, Batch>();
  #messageCount = 0;
  #hang = 0;
  #hold: Promise<void> | undefined;
  readonly #waiters: { match: (request: RecordedRequest) => boolean; resolve: (request: RecordedRequest) => void }[] = [];
  /** Every request, in the order received. */
  readonly requests: RecordedRequest[] = [];
  answer: AnswerScript;
  chunkSize: number;
  batchPolls: number;
  batchDone: (polls: number, total: number) => number;
  apiKey: string | undefined;
  /** The base URL to give the SDK. */
  url = '';
  #inFlight = 0;
  /** The most requests that were open at once. */
  maxInFlight = 0;
  /** Called as each server-sent event is written, for benchmarks that time what follows. */
  onStreamWrite: ((event: string) => void) | undefined;

  private constructor(options: MockAnthropicOptions) {
    this.answer = options.answer ?? (() => ({ findings: [], revision: '' }));
    this.chunkSize = options.chunkSize ?? 16;
    this.batchPolls = options.batchPolls ?? 2;
    this.batchDone = options.batchDone ?? ((polls, total) => Math.floor((total * polls) / (this.batchPolls + 1)));
    this.apiKey = options.apiKey;
    this.#server = createServer((req, res) => {
      res.on('error', () => undefined);
      this.maxInFlight = Math.max(this.maxInFlight, ++this.#inFlight);
      res.on('close', () => this.#inFlight--);
      void this.#handle(req, res);
    });
  }

  /** Starts a mock on 127.0.0.1 on a free port. */
  static async start(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
    const mock = new MockAnthropic(options);
    await new Promise<void>((resolve) => mock.#server.listen(0, '127.0.0.1', resolve));
    const { port } = mock.#server.address() as AddressInfo;
    mock.url = `http://127.0.0.1:${port}`;
    return mock;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The next `times` requests fail with `status` (and a `retry-after` header when given). */
  failNext(status: number, times = 1, options: { retryAfter?: string; message?: string } = {}): void {
    for (let i = 0; i < times; i++) this.#faults.push({ status, ...options });
  }

  /** The next `times` requests get no answer at all, for timeouts. */
  hangNext(times = 1): void {
    this.#hang += times;
  }

  /**
   * Streams stop after their first text delta until the returned function is called, so a test can act
   * in the middle of a stream without waiting on time.
   */
  holdStreams(): () => void {
    let release!: () => void;
    this.#hold = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.#hold = undefined;
      release();
    };
  }

  /** Resolves with the first request, already received or still to come, that `match` accepts. */
  waitForRequest(match: (request: RecordedRequest) => boolean): Promise<RecordedRequest> {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** The recorded requests to one path. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    const path = (req.url ?? '/').split('?')[0];
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers, body, receivedAt: Date.now() };
    this.requests.push(recorded);
    for (const waiter of this.#waiters.filter((w) => w.match(recorded))) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(recorded);
    }

    if (this.#hang > 0) {
      this.#hang--;
      return;
    }
    const fault = this.#faults.shift();
    if (fault) return this.#error(res, fault.status, fault.message ?? `Injected ${fault.status}.`, fault.retryAfter);
    if (this.apiKey !== undefined && headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.#error(res, 401, 'invalid x-api-key');
    }

    if (req.method === 'POST' && path === '/v1/messages') {
      if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
        return this.#error(res, 400, 'model, messages and max_tokens are required');
      }
      const message = this.#complete(body);
      if (body.stream) return this.#stream(res, message);
      return json(res, 200, message);
    }
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      if (!body || !Array.isArray(body.messages)) return this.#error(res, 400, 'messages is required');
      return json(res, 200, { input_tokens: flatten(body).reduce((n, b) => n + b.tokens, 0) });
    }
    if (req.method === 'POST' && path === '/v1/messages/batches') {
      if (!body || !Array.isArray(body.requests) || body.requests.length === 0) return this.#error(res, 400, 'requests is required');
      const id = `msgbatch_mock_${this.#batches.size + 1}`;
      const batch: Batch = { id, requests: body.requests, createdAt: new Date().toISOString(), polls: 0 };
      this.#batches.set(id, batch);
      return json(res, 200, this.#batchObject(batch));
    }
    const cancel = /^\/v1\/messages\/batches\/([^/]+)\/cancel$/.exec(path);
    if (req.method === 'POST' && cancel) {
      const batch = this.#batches.get(cancel[1]);
      if (!batch) return this.#error(res, 404, `No batch ${cancel[1]}.`);
      if (!this.#ended(batch) && !batch.cancel) batch.cancel = { at: new Date().toISOString(), done: this.#done(batch), ended: false };
      return json(res, 200, this.#batchObject(batch));
    }
    const m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(path);
    if (req.method === 'GET' && m) {
      const batch = this.#batches.get(m[1]);
      if (!batch) return this.#error(res, 404, `No batch ${m[1]}.`);
      if (!m[2]) {
        // A canceled batch ends at the first retrieval after the cancel, as the real one ends once its in-flight requests are done.
        if (batch.cancel) batch.cancel.ended = true;
        else batch.polls++;
        return json(res, 200, this.#batchObject(batch));
      }
      if (!this.#ended(batch)) return this.#error(res, 400, 'The batch is still processing.');
      const succeeded = batch.cancel ? batch.cancel.done : batch.requests.length;
      batch.results ??= batch.requests
        .map((r, i) =>
          JSON.stringify({ custom_id: r.custom_id, result: i < succeeded ? { type: 'succeeded', message: this.#complete(r.params) } : { type: 'canceled' } }),
        )
        .join('\n');
      res.writeHead(200, { 'content-type': 'application/binary' });
      res.end(`${batch.results}\n`);
      return;
    }
    this.#error(res, 404, `No route ${req.method} ${path}.`);
  }

  #ended(batch: Batch): boolean {
    return batch.cancel ? batch.cancel.ended : batch.polls > this.batchPolls;
  }

  /** How many of the batch's requests have finished, at most all of them. */
  #done(batch: Batch): number {
    const n = batch.requests.length;
    if (batch.cancel) return batch.cancel.done;
    return batch.polls > this.batchPolls ? n : Math.max(0, Math.min(n, this.batchDone(batch.polls, n)));
  }

  #batchObject(batch: Batch): object {
    const ended = this.#ended(batch);
    const n = batch.requests.length;
    const done = this.#done(batch);
    if (ended) batch.endedAt ??= new Date().toISOString();
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : batch.cancel ? 'canceling' : 'in_progress',
      request_counts: {
        processing: ended ? 0 : n - done,
        succeeded: done,
        errored: 0,
        canceled: ended && batch.cancel ? n - done : 0,
        expired: 0,
      },
      created_at: batch.createdAt,
      ended_at: batch.endedAt ?? null,
      expires_at: new Date(Date.parse(batch.createdAt) + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: batch.cancel?.at ?? null,
      results_url: ended ? `${this.url}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  /** Answers a request: the scripted text, and usage that follows the cache breakpoints. */
  #complete(body: any): any {
    const answer = this.answer(body);
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    return {
      id: `msg_mock_${++this.#messageCount}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text, citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: { ...this.#usage(body), output_tokens: mockTokens(text) },
    };
  }

  #usage(body: any): { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number } {
    const blocks = flatten(body);
    const cumulative: number[] = [];
    const keys: string[] = [];
    const hash = createHash('sha256').update(String(body.model));
    let total = 0;
    for (const b of blocks) {
      hash.update(b.key);
      keys.push(hash.copy().digest('hex'));
      total += b.tokens;
      cumulative.push(total);
    }
    const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [i] : []));
    if (breakpoints.length === 0) return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const last = breakpoints[breakpoints.length - 1];
    let hit = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - 19); j--) {
        if (this.#cache.has(keys[j])) {
          hit = Math.max(hit, j);
          break;
        }
      }
    }
    for (const bp of breakpoints) this.#cache.add(keys[bp]);
    const read = hit >= 0 ? cumulative[hit] : 0;
    return {
      input_tokens: total - cumulative[last],
      cache_creation_input_tokens: cumulative[last] - read,
      cache_read_input_tokens: read,
    };
  }

  async #stream(res: ServerResponse, message: any): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (event: string, data: object) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      this.onStreamWrite?.(event);
    };
    const { output_tokens, ...inputUsage } = message.usage;
    send('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...inputUsage, output_tokens: 1 } },
    });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } });
    send('ping', { type: 'ping' });
    const text: string = message.content[0].text;
    for (let i = 0; i < text.length; i += this.chunkSize) {
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(i, i + this.chunkSize) } });
      if (i === 0 && this.#hold) await this.#hold;
      if (res.destroyed) return;
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null },
      usage: { ...inputUsage, output_tokens },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  #error(res: ServerResponse, status: number, message: string, retryAfter?: string): void {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_mock_${this.requests.length}` };
    if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
    res.writeHead(status, headers);
    res.end(JSON.stringify({ type: 'error', error: { type: errorTypes[status] ?? 'api_error', message } }));
  }
}

interface FlatBlock {
  readonly key: string;
  readonly tokens: number;
  readonly breakpoint: boolean;
}

/** The request's blocks in the order the cache sees them: system, then each message's content. */
function flatten(body: any): FlatBlock[] {
  const out: FlatBlock[] = [];
  const add = (block: any) => {
    const { cache_control, ...rest } = typeof block === 'string' ? { type: 'text', text: block } : block;
    const text = typeof rest.text === 'string' ? rest.text : JSON.stringify(rest);
    out.push({ key: JSON.stringify(rest), tokens: mockTokens(text), breakpoint: cache_control?.type === 'ephemeral' });
  };
  if (typeof body.system === 'string') add(body.system);
  else if (Array.isArray(body.system)) body.system.forEach(add);
  for (const m of body.messages ?? []) {
    if (typeof m.content === 'string') add(m.content);
    else if (Array.isArray(m.content)) m.content.forEach(add);
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_mock' });
  res.end(JSON.stringify(value));
}
