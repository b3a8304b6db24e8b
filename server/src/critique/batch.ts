/**
 * Critiques of many turns: the estimate of tokens and cost first (token counting), then either the
 * Message Batches API (half the price, results within a day) or, for small jobs, ordinary requests with
 * a bounded concurrency. A batch's state is a plain {@link BatchJob} that a caller saves as JSON, so
 * that a new process can resume polling and collecting after a reload or a crash.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { critiqueCacheKey } from '../core/critique/cacheKey.ts';
import { buildCritiquePrompt } from '../core/critique/prompt.ts';
import { createClient } from './client.ts';
import { critiqueTurn } from './critiqueTurn.ts';
import { cancelledError, noKeyError, toCritiqueError, type Wording } from './errors.ts';
import { sha256 } from './hash.ts';
import { batchFactor, cacheReadFactor, priceOf } from './pricing.ts';
import { mergeUsage, messageParams, readAnswer, zeroUsage } from './request.ts';
import type { CritiqueError, CritiqueOptions, CritiqueOutcome, CritiqueRequest } from './types.ts';

/** A turn of a dataset to critique, named by its `custom_id` (`c<conversation>-t<turn>`). */
export interface DatasetItem {
  readonly customId: string;
  readonly request: CritiqueRequest;
}

export function customIdOf(conversation: number, turn: number): string {
  return `c${conversation}-t${turn}`;
}

export function parseCustomId(id: string): { conversation: number; turn: number } | undefined {
  const m = /^c(\d+)-t(\d+)$/.exec(id);
  return m ? { conversation: Number(m[1]), turn: Number(m[2]) } : undefined;
}

/** A batch or token-counting operation failed; `error` says how, in the terms of a critique. */
export class CritiqueFault extends Error {
  readonly error: CritiqueError;
  constructor(error: CritiqueError) {
    super(error.message);
    this.error = error;
  }
}

export interface EndpointOptions {
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** How this front end names the key, the model and the endpoint in its messages (the editor's words by default). */
  readonly wording?: Wording;
}

function clientFor(options: EndpointOptions) {
  if (!options.apiKey) throw new CritiqueFault(noKeyError(options.wording));
  return createClient({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs });
}

async function guarded<T>(options: EndpointOptions, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof CritiqueFault) throw e;
    throw new CritiqueFault(toCritiqueError(e, options));
  }
}

export interface DatasetEstimate {
  readonly model: string;
  readonly requests: number;
  /** Requests whose tokens were counted by the endpoint; the rest are extrapolated by characters. */
  readonly counted: number;
  readonly inputTokens: number;
  /** Input tokens of the shared system prefix, which every request after the first reads from cache. */
  readonly cachedPrefixTokens: number;
  /** The most output tokens the requests may use (max tokens times requests). */
  readonly maxOutputTokens: number;
  /** Approximate cost in US dollars, undefined for a model without a known price. */
  readonly costUSD?: { readonly standard: number; readonly batch: number };
}

/**
 * Counts the input tokens of the requests (up to `countLimit` of them through `count_tokens`, the rest
 * extrapolated from their length) and estimates the cost, approximately, from {@link priceOf}.
 * Rejects with a {@link CritiqueFault}.
 */
export async function estimateDataset(items: readonly DatasetItem[], options: EndpointOptions & { countLimit?: number }): Promise<DatasetEstimate> {
  const model = items[0]?.request.model ?? '';
  const limit = options.countLimit ?? 20;
  const client = clientFor(options);
  let counted = 0;
  let countedTokens = 0;
  let countedChars = 0;
  let allChars = 0;
  let prefixTokens = 0;
  const lengths: number[] = [];
  for (const item of items) {
    const built = buildCritiquePrompt(item.request);
    if ('error' in built) continue;
    const params = messageParams(item.request.model, item.request.maxTokens, built.prompt);
    const chars = JSON.stringify(params.system).length + JSON.stringify(params.messages).length;
    allChars += chars;
    lengths.push(chars);
    if (counted < limit) {
      const { input_tokens } = await guarded(options, () =>
        client.messages.countTokens({ model: params.model, system: params.system, messages: params.messages }, { signal: options.signal }),
      );
      if (counted === 0) {
        const system = await guarded(options, () =>
          client.messages.countTokens(
            { model: params.model, system: params.system, messages: [{ role: 'user', content: '.' }] },
            { signal: options.signal },
          ),
        );
        prefixTokens = system.input_tokens;
      }
      counted++;
      countedTokens += input_tokens;
      countedChars += chars;
    }
  }
  const perChar = countedChars > 0 ? countedTokens / countedChars : 0.25;
  const inputTokens = countedTokens + Math.round((allChars - countedChars) * perChar);
  const requests = lengths.length;
  const maxOutputTokens = items.reduce((n, i) => n + i.request.maxTokens, 0);
  const price = priceOf(model);
  let costUSD: DatasetEstimate['costUSD'];
  if (price) {
    const reads = Math.max(0, requests - 1) * prefixTokens;
    const input = ((inputTokens - reads) * price.input + reads * price.input * cacheReadFactor) / 1e6;
    const standard = input + (maxOutputTokens * price.output) / 1e6;
    costUSD = { standard, batch: standard * batchFactor };
  }
  return { model, requests, counted, inputTokens, cachedPrefixTokens: prefixTokens, maxOutputTokens, ...(costUSD ? { costUSD } : {}) };
}

/** The state of a submitted batch, saved as JSON so another process can resume it. */
export interface BatchJob {
  readonly version: 1;
  readonly batchId: string;
  readonly model: string;
  readonly submittedAt: string;
  /** For each `custom_id`, the turn it critiques and the cache key of its result. */
  readonly requests: Readonly<Record<string, { readonly conversation: number; readonly turn: number; readonly cacheKey: string }>>;
}

/** Submits the items as one message batch. Rejects with a {@link CritiqueFault}. */
export async function submitBatch(items: readonly DatasetItem[], options: EndpointOptions): Promise<BatchJob> {
  const client = clientFor(options);
  const requests: Record<string, BatchJob['requests'][string]> = {};
  const params: Anthropic.Messages.BatchCreateParams.Request[] = [];
  for (const item of items) {
    const built = buildCritiquePrompt(item.request);
    if ('error' in built) continue;
    const where = parseCustomId(item.customId) ?? { conversation: item.request.conversation.index, turn: item.request.turnIndex };
    requests[item.customId] = { ...where, cacheKey: critiqueCacheKey(item.request.model, built.prompt, sha256) };
    params.push({ custom_id: item.customId, params: messageParams(item.request.model, item.request.maxTokens, built.prompt) });
  }
  const batch = await guarded(options, () => client.messages.batches.create({ requests: params }, { signal: options.signal }));
  return { version: 1, batchId: batch.id, model: items[0]?.request.model ?? '', submittedAt: new Date().toISOString(), requests };
}

export interface BatchProgress {
  readonly ended: boolean;
  readonly processing: number;
  readonly succeeded: number;
  readonly errored: number;
  readonly canceled: number;
  readonly expired: number;
}

/** Asks once how the batch is doing. Rejects with a {@link CritiqueFault}. */
export async function pollBatch(job: BatchJob, options: EndpointOptions): Promise<BatchProgress> {
  const client = clientFor(options);
  const batch = await guarded(options, () => client.messages.batches.retrieve(job.batchId, {}, { signal: options.signal }));
  return { ended: batch.processing_status === 'ended', ...batch.request_counts };
}

/**
 * Asks the API to cancel the batch. Requests that have finished keep their results; the batch is
 * `canceling` (`ended` false) until the requests in flight are done, then it ends and its results list
 * the rest as `canceled`. Rejects with a {@link CritiqueFault}.
 */
export async function cancelBatch(job: BatchJob, options: EndpointOptions): Promise<BatchProgress> {
  const client = clientFor(options);
  const batch = await guarded(options, () => client.messages.batches.cancel(job.batchId, {}, { signal: options.signal }));
  return { ended: batch.processing_status === 'ended', ...batch.request_counts };
}

/**
 * Polls until the batch has ended, waiting `intervalMs` between polls (the wait ends early on cancel).
 * Rejects with a {@link CritiqueFault}, `cancelled` when the signal fires.
 */
export async function waitForBatch(
  job: BatchJob,
  options: EndpointOptions & { intervalMs?: number; onProgress?: (p: BatchProgress) => void },
): Promise<BatchProgress> {
  for (;;) {
    if (options.signal?.aborted) throw new CritiqueFault(cancelledError());
    const progress = await pollBatch(job, options);
    options.onProgress?.(progress);
    if (progress.ended) return progress;
    await pause(options.intervalMs ?? 30_000, options.signal);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Reads the results of an ended batch, one outcome per request, placing each finding in its turn.
 * `resolve` rebuilds the request of a `custom_id` (from the dataset, which the job does not keep).
 * Rejects with a {@link CritiqueFault} when the results cannot be read.
 */
export async function collectBatch(
  job: BatchJob,
  resolve: (customId: string, entry: BatchJob['requests'][string]) => CritiqueRequest | undefined,
  options: EndpointOptions & { onResult: (customId: string, outcome: CritiqueOutcome, cacheKey: string) => void | Promise<void> },
): Promise<void> {
  const client = clientFor(options);
  const results = await guarded(options, () => client.messages.batches.results(job.batchId, {}, { signal: options.signal }));
  await guarded(options, async () => {
    for await (const line of results) {
      const entry = job.requests[line.custom_id];
      const request = entry && resolve(line.custom_id, entry);
      if (!entry || !request) continue;
      let outcome: CritiqueOutcome;
      if (line.result.type === 'succeeded') {
        const message = line.result.message;
        const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
        const built = buildCritiquePrompt(request);
        const sent = new Set('prompt' in built ? built.prompt.clauseIds : []);
        const turn = request.conversation.turns[request.turnIndex];
        const read = readAnswer(text, { stopReason: message.stop_reason, maxTokens: request.maxTokens }, message.model, mergeUsage(zeroUsage, message.usage), turn, request.constitution, sent, options.wording);
        outcome = 'result' in read ? { ok: true, result: read.result } : { ok: false, error: read.error };
      } else if (line.result.type === 'errored') {
        const message = line.result.error?.error?.message ?? 'unknown error';
        outcome = { ok: false, error: { kind: 'bad-response', message: `The batch request failed: ${message}. Critique this turn again.` } };
      } else {
        outcome = { ok: false, error: { kind: 'cancelled', message: `The batch request was ${line.result.type}. Critique this turn again.` } };
      }
      await options.onResult(line.custom_id, outcome, entry.cacheKey);
    }
  });
}

/**
 * Critiques the items as ordinary streaming requests, at most `concurrency` at a time, reporting each
 * outcome as it ends. Stops starting new requests once the signal fires.
 */
export async function critiqueConcurrently(
  items: readonly DatasetItem[],
  options: CritiqueOptions & { concurrency?: number; onResult: (customId: string, outcome: CritiqueOutcome) => void | Promise<void> },
): Promise<void> {
  let next = 0;
  const { onResult, concurrency = 4, onEvent: _onEvent, ...critique } = options;
  const worker = async () => {
    while (next < items.length && !options.signal?.aborted) {
      const item = items[next++];
      const outcome = await critiqueTurn(item.request, critique);
      await onResult(item.customId, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
