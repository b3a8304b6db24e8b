/**
 * The structured output a critique asks for, and the check of what came back. The schema is sent as
 * `output_config.format`; it is the same for every constitution so that it never breaks the prompt
 * cache, which is why clause ids are checked here rather than constrained by an enum in the schema.
 */
import type { FindingSeverityName, RawCritiqueAnswer, RawFindingShape } from './answer.ts';

/** The JSON schema of a critique answer: `{findings: [{principle, quote, critique, severity}], revision}`. */
export const critiqueOutputSchema = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          principle: { type: 'string', description: 'The id of the clause the turn conflicts with.' },
          quote: { type: 'string', description: 'The exact words of the turn under critique that conflict with it.' },
          critique: { type: 'string', description: 'Why these words conflict with the principle.' },
          severity: { type: 'string', enum: ['error', 'warning', 'info'] },
        },
        required: ['principle', 'quote', 'critique', 'severity'],
        additionalProperties: false,
      },
    },
    revision: { type: 'string', description: 'The turn under critique rewritten to satisfy the principles.' },
  },
  required: ['findings', 'revision'],
  additionalProperties: false,
} as const;

const severities: readonly string[] = ['error', 'warning', 'info'] satisfies FindingSeverityName[];

export function isFindingSeverity(value: unknown): value is FindingSeverityName {
  return typeof value === 'string' && severities.includes(value);
}

/** Reads one element of `findings`; undefined when it is not an object of four strings. */
export function readRawFinding(value: unknown): RawFindingShape | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const { principle, quote, critique, severity } = v;
  if (typeof principle !== 'string' || typeof quote !== 'string' || typeof critique !== 'string') return undefined;
  return { principle, quote, critique, severity: typeof severity === 'string' ? severity : '' };
}

/**
 * Parses the whole answer text. Returns a message instead of throwing when the text is not JSON of the
 * expected shape, so the caller can report a `bad-response` fault.
 */
export function parseCritiqueAnswer(text: string): { answer: RawCritiqueAnswer } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `The answer is not JSON (${(e as Error).message}).` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'The answer is not a JSON object.' };
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.findings)) return { error: 'The answer has no "findings" list.' };
  if (typeof v.revision !== 'string') return { error: 'The answer has no "revision" text.' };
  const findings: RawFindingShape[] = [];
  const malformed: unknown[] = [];
  for (const f of v.findings) {
    const raw = readRawFinding(f);
    if (raw) findings.push(raw);
    else malformed.push(f);
  }
  return { answer: { findings, malformed, revision: v.revision } };
}
