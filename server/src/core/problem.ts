import type { Span } from './text.ts';

/** How bad a finding or a problem is, in LSP's terms. */
export const Severity = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  hint: 'hint',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export function isSeverity(value: unknown): value is Severity {
  return value === 'error' || value === 'warning' || value === 'info' || value === 'hint';
}

/**
 * Something wrong with an input file, at its place. Parsers return these rather than throwing.
 * `code` is a stable dotted name (`json.syntax`, `jsonl.line`, `constitution.duplicate-id`,
 * `rule.invalid-pattern`).
 */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  readonly severity: Severity;
}

export function problem(code: string, message: string, span: Span, severity: Severity = 'error'): Problem {
  return { code, message, span, severity };
}

/**
 * The place of a syntax error a parser reports at `offset` with `length` in a text of `textLength`
 * characters that stands at `base` in its source: at least one character, so that it can be seen,
 * but never past the text's end (an error at the very end, such as a string never closed, is an
 * empty place there).
 */
export function syntaxErrorSpan(offset: number, length: number, textLength: number, base = 0): Span {
  const start = Math.min(offset, textLength);
  return { start: base + start, end: base + Math.min(textLength, start + Math.max(1, length)) };
}
