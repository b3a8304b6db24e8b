/**
 * Turns whatever the SDK threw into a {@link CritiqueError}: a kind a front end can branch on, and a
 * message in plain words that names the next step.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { CritiqueError } from './types.ts';

/** The words that tell a user how to set a key; front ends other than the editor pass their own. */
export const defaultSetKeyHint = 'Set a new key with “Constitution Lens: Set API Key”.';

export function noKeyError(setKeyHint = defaultSetKeyHint): CritiqueError {
  const hint = setKeyHint.replace(/^Set a new key/, 'Set a key');
  return { kind: 'no-key', message: `No API key is set, so nothing was sent. ${hint}` };
}

export function cancelledError(): CritiqueError {
  return { kind: 'cancelled', message: 'The critique was cancelled; nothing was changed. Run it again when you are ready.' };
}

export function toCritiqueError(e: unknown, context: { signal?: AbortSignal; setKeyHint?: string; baseURL?: string; timeoutMs?: number }): CritiqueError {
  if (context.signal?.aborted || e instanceof Anthropic.APIUserAbortError) return cancelledError();
  if (e instanceof Anthropic.APIConnectionTimeoutError) {
    const s = context.timeoutMs ? ` after ${Math.round(context.timeoutMs / 1000)} seconds` : '';
    return { kind: 'timeout', message: `The model did not answer${s}. Check the connection and try again, or raise the timeout.` };
  }
  if (e instanceof Anthropic.APIConnectionError) {
    const where = context.baseURL ?? 'the Anthropic API';
    return {
      kind: 'network',
      message: `Could not reach ${where}. Check the network connection (and the base URL setting, if you set one), then try again.`,
    };
  }
  if (e instanceof Anthropic.APIError) {
    const status = e.status;
    const type = e.type ?? '';
    const detail = e.apiMessage ? ` (${e.apiMessage})` : '';
    if (status === 401 || type === 'authentication_error') {
      return { kind: 'auth', status, message: `The API key was refused. ${context.setKeyHint ?? defaultSetKeyHint}` };
    }
    if (status === 403 || type === 'permission_error') {
      return { kind: 'auth', status, message: `The API key may not use this model or endpoint${detail}. Check the key's permissions or choose another model.` };
    }
    if (status === 429 || type === 'rate_limit_error') {
      const retryAfterSeconds = retryAfterOf(e.headers);
      const when = retryAfterSeconds !== undefined ? `in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}` : 'in a minute';
      return {
        kind: 'rate-limit',
        status,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        message: `The endpoint is limiting the rate of requests and the retries ran out. Try again ${when}.`,
      };
    }
    if (status === 529 || type === 'overloaded_error') {
      return { kind: 'overloaded', status, message: 'The model is overloaded right now. Try again in a minute, or choose another model in the settings.' };
    }
    if (status !== undefined && status >= 500) {
      return { kind: 'overloaded', status, message: `The endpoint failed (${status})${detail}. Try again in a minute.` };
    }
    if (status !== undefined) {
      return { kind: 'bad-request', status, message: `The endpoint refused the request (${status})${detail}. Check the model and base URL settings.` };
    }
    return { kind: 'bad-response', message: `The stream ended with an error${detail || `: ${e.message}`}. Try again.` };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'bad-response', message: `The critique failed: ${message}. Try again.` };
}

function retryAfterOf(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
