/**
 * The Messages API parameters of a critique, shared by single requests and batches, and the reading
 * of an answer into a {@link CritiqueResult}.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { placeFinding } from '../core/critique/locate.ts';
import type { CritiquePrompt } from '../core/critique/prompt.ts';
import { critiqueOutputSchema, parseCritiqueAnswer, readRawFinding } from '../core/critique/schema.ts';
import type { Constitution } from '../core/constitution/model.ts';
import type { Turn } from '../core/transcript/model.ts';
import { editorWording, type Wording } from './errors.ts';
import type { CritiqueError, CritiqueFinding, CritiqueResult, CritiqueUsage, DroppedFinding, RawFinding } from './types.ts';

/**
 * The body of a critique request. API version 2026-10-21 takes no sampling parameters
 * (temperature, top_p, top_k), and JSON comes back through `output_config.format`.
 */
export function messageParams(model: string, maxTokens: number, prompt: CritiquePrompt): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: maxTokens,
    system: prompt.system.map((b) => ({ ...b })),
    messages: prompt.messages.map((m) => ({ role: m.role, content: m.content.map((b) => ({ ...b })) })),
    output_config: { format: { type: 'json_schema', schema: critiqueOutputSchema as unknown as Record<string, unknown> } },
  };
}

export const zeroUsage: CritiqueUsage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

/** Usage from the API's shape, where cache fields may be null and later events update earlier ones. */
export function mergeUsage(base: CritiqueUsage, u: Partial<Record<keyof CritiqueUsage, number | null>> | null | undefined): CritiqueUsage {
  if (!u) return base;
  return {
    input_tokens: u.input_tokens ?? base.input_tokens,
    output_tokens: u.output_tokens ?? base.output_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? base.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens ?? base.cache_read_input_tokens,
  };
}

/** Places one streamed or parsed element of `findings`. */
export function placeElement(
  element: unknown,
  turn: Turn,
  constitution: Constitution,
  sent: ReadonlySet<string>,
): { finding: CritiqueFinding } | { dropped: DroppedFinding } {
  const raw = readRawFinding(element);
  if (!raw) {
    return { dropped: { finding: malformedFinding(element), reason: 'The finding is not an object with principle, quote, critique and severity.' } };
  }
  const placed = placeFinding(raw, turn, constitution, sent);
  return placed.ok ? { finding: placed.finding } : { dropped: { finding: raw, reason: placed.reason } };
}

function malformedFinding(element: unknown): RawFinding {
  return { principle: '', quote: '', critique: JSON.stringify(element) ?? '', severity: '' };
}

export interface StopInfo {
  readonly stopReason: string | null;
  readonly maxTokens: number;
}

/** Reads a complete answer. Cut-off, refused and malformed answers are faults, never half results. */
export function readAnswer(
  text: string,
  stop: StopInfo,
  model: string,
  usage: CritiqueUsage,
  turn: Turn,
  constitution: Constitution,
  sent: ReadonlySet<string>,
  wording: Wording = editorWording,
): { result: CritiqueResult } | { error: CritiqueError } {
  if (stop.stopReason === 'max_tokens') {
    return { error: { kind: 'bad-response', message: `The answer was cut off at ${stop.maxTokens} tokens. Raise ${wording.maxTokens} and run the critique again.` } };
  }
  if (stop.stopReason === 'refusal') {
    return { error: { kind: 'bad-response', message: 'The model declined to critique this turn. Try another model, or critique fewer principles at once.' } };
  }
  const parsed = parseCritiqueAnswer(text);
  if ('error' in parsed) {
    return { error: { kind: 'bad-response', message: `${parsed.error} The endpoint may not support structured output; check ${wording.model} and ${wording.baseUrl}.` } };
  }
  const findings: CritiqueFinding[] = [];
  const dropped: DroppedFinding[] = [];
  for (const element of [...parsed.answer.findings, ...parsed.answer.malformed]) {
    const placed = placeElement(element, turn, constitution, sent);
    if ('finding' in placed) findings.push(placed.finding);
    else dropped.push(placed.dropped);
  }
  return { result: { findings, dropped, revision: parsed.answer.revision, usage, model, cached: false } };
}
