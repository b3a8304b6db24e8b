/**
 * One critique of one turn: build the prompt, serve it from the cache when it was seen before, else
 * stream the answer from the model, reporting each finding as soon as its JSON object is complete,
 * and cache the result.
 */
import { critiqueCacheKey } from '../core/critique/cacheKey.ts';
import { FindingsStream } from '../core/critique/findingsStream.ts';
import { buildCritiquePrompt } from '../core/critique/prompt.ts';
import { createClient } from './client.ts';
import { cancelledError, noKeyError, toCritiqueError } from './errors.ts';
import { sha256 } from './hash.ts';
import { mergeUsage, messageParams, placeElement, readAnswer, zeroUsage } from './request.ts';
import type { CritiqueError, CritiqueEvent, CritiqueOptions, CritiqueOutcome, CritiqueRequest, CritiqueResult, CritiqueUsage } from './types.ts';

/**
 * Critiques `request.turnIndex` of the conversation against the constitution.
 *
 * The promise never rejects for a fault of the API, the network, the key or the answer: it resolves to
 * `{ok: false, error}` after an `error` event, and nothing of a failed critique is returned or cached.
 * Events arrive in order: `started`, then `text` deltas interleaved with `finding`/`dropped`, then
 * `revision`, `usage` and `done`. A cached result replays the same events without `text`.
 */
export async function critiqueTurn(request: CritiqueRequest, options: CritiqueOptions = {}): Promise<CritiqueOutcome> {
  const emit = (event: CritiqueEvent) => options.onEvent?.(event);
  const fail = (error: CritiqueError): CritiqueOutcome => {
    emit({ type: 'error', error });
    return { ok: false, error };
  };

  const built = buildCritiquePrompt(request);
  if ('error' in built) return fail({ kind: 'bad-request', message: built.error });
  const { prompt } = built;
  const turn = request.conversation.turns[request.turnIndex];
  const sent = new Set(prompt.clauseIds);
  const key = options.cache ? (request.cacheKey ?? critiqueCacheKey(request.model, prompt, sha256)) : undefined;

  if (options.cache && key) {
    const hit = await options.cache.get(key).catch(() => undefined);
    if (hit) {
      const result: CritiqueResult = { ...hit, cached: true };
      replay(result, emit);
      return { ok: true, result };
    }
  }
  if (options.signal?.aborted) return fail(cancelledError());
  if (!options.apiKey) return fail(noKeyError(options.wording));

  const client = createClient({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: options.maxRetries, timeoutMs: options.timeoutMs });
  const context = { signal: options.signal, wording: options.wording, baseURL: options.baseURL, timeoutMs: options.timeoutMs };
  let usage: CritiqueUsage = zeroUsage;
  let stopReason: string | null = null;
  let model = request.model;
  const parser = new FindingsStream();
  try {
    const stream = await client.messages.create(
      { ...messageParams(request.model, request.maxTokens, prompt), stream: true },
      { signal: options.signal },
    );
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          model = event.message.model || model;
          usage = mergeUsage(usage, event.message.usage);
          emit({ type: 'started', model });
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') {
            emit({ type: 'text', delta: event.delta.text });
            for (const element of parser.push(event.delta.text)) {
              const placed = placeElement(element, turn, request.constitution, sent);
              if ('finding' in placed) emit({ type: 'finding', finding: placed.finding });
              else emit({ type: 'dropped', dropped: placed.dropped });
            }
          }
          break;
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          usage = mergeUsage(usage, event.usage);
          break;
        default:
          break;
      }
    }
  } catch (e) {
    return fail(toCritiqueError(e, context));
  }
  // The SDK ends an aborted stream quietly, so a cancel shows only in the signal.
  if (options.signal?.aborted) return fail(cancelledError());

  const read = readAnswer(parser.text, { stopReason, maxTokens: request.maxTokens }, model, usage, turn, request.constitution, sent, options.wording);
  if ('error' in read) return fail(read.error);
  const { result } = read;
  emit({ type: 'revision', text: result.revision });
  emit({ type: 'usage', usage: result.usage });
  emit({ type: 'done', result });
  if (options.cache && key) await options.cache.set(key, result).catch(() => undefined);
  return { ok: true, result };
}

function replay(result: CritiqueResult, emit: (event: CritiqueEvent) => void): void {
  emit({ type: 'started', model: result.model });
  for (const finding of result.findings) emit({ type: 'finding', finding });
  for (const dropped of result.dropped) emit({ type: 'dropped', dropped });
  emit({ type: 'revision', text: result.revision });
  emit({ type: 'usage', usage: result.usage });
  emit({ type: 'done', result });
}
