/**
 * Turns whatever the SDK threw into a {@link CritiqueError}: a kind a front end can branch on, and a
 * message in plain words that names the next step.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { CritiqueError } from './types.ts';

/**
 * How a front end names what a person changes to put a failed critique right, so that each message
 * points at what that front end has: the editor's settings and command, or the command line's flags
 * and environment variables.
 */
export interface Wording {
  /** How to set a key, which ends the no-key and refused-key messages. */
  readonly setKeyHint: string;
  /** Where the model is chosen, as a sentence names it. */
  readonly model: string;
  /** Where the endpoint is set. */
  readonly baseUrl: string;
  /** Where the most tokens of an answer are set. */
  readonly maxTokens: string;
}

/** The editor's words, the default. */
export const editorWording: Wording = {
  setKeyHint: 'Set a new key with “Constitution Lens: Set API Key”.',
  model: 'the model setting',
  baseUrl: 'the base URL setting',
  maxTokens: 'the max tokens setting',
};

/** The command line's words. */
export const commandLineWording: Wording = {
  setKeyHint: 'Set ANTHROPIC_API_KEY to a valid key.',
  model: '--model (or CONSTITUTION_LENS_MODEL)',
  baseUrl: 'ANTHROPIC_BASE_URL',
  maxTokens: '--max-tokens',
};

export function noKeyError(wording = editorWording): CritiqueError {
  const hint = wording.setKeyHint.replace(/^Set a new key/, 'Set a key');
  return { kind: 'no-key', message: `No API key is set, so nothing was sent. ${hint}` };
}

export function cancelledError(): CritiqueError {
  return { kind: 'cancelled', message: 'The critique was cancelled; nothing was changed. Run it again when you are ready.' };
}

export function toCritiqueError(e: unknown, context: { signal?: AbortSignal; wording?: Wording; baseURL?: string; timeoutMs?: number }): CritiqueError {
  const words = context.wording ?? editorWording;
  if (context.signal?.aborted || e instanceof Anthropic.APIUserAbortError) return cancelledError();
  if (e instanceof Anthropic.APIConnectionTimeoutError) {
    const s = context.timeoutMs ? ` after ${Math.round(context.timeoutMs / 1000)} seconds` : '';
    return { kind: 'timeout', message: `The model did not answer${s}. Check the connection and try again, or raise the timeout.` };
  }
  if (e instanceof Anthropic.APIConnectionError) {
    const where = context.baseURL ?? 'the Anthropic API';
    return {
      kind: 'network',
      message: `Could not reach ${where}. Check the network connection (and ${words.baseUrl}, if you set one), then try again.`,
    };
  }
  if (e instanceof Anthropic.APIError) {
    const status = e.status;
    const type = e.type ?? '';
    const detail = e.apiMessage ? ` (${e.apiMessage})` : '';
    if (status === 401 || type === 'authentication_error') {
      return { kind: 'auth', status, message: `The API key was refused. ${words.setKeyHint}` };
    }
    if (status === 403 || type === 'permission_error') {
      return { kind: 'auth', status, message: `The API key may not use this model or endpoint${detail}. Check the key's permissions, or choose another model with ${words.model}.` };
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
      return { kind: 'overloaded', status, message: `The model is overloaded right now. Try again in a minute, or choose another model with ${words.model}.` };
    }
    if (status !== undefined && status >= 500) {
      return { kind: 'overloaded', status, message: `The endpoint failed (${status})${detail}. Try again in a minute.` };
    }
    if (status !== undefined) {
      return { kind: 'bad-request', status, message: `The endpoint refused the request (${status})${detail}. Check ${words.model} and ${words.baseUrl}.` };
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
