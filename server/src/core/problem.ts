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
