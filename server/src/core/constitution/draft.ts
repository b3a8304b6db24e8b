/**
 * A clause under construction. Parsers fill these in document order and hand them out as
 * {@link Clause}s once the hierarchy and the order of priority are settled.
 */
import { isSeverity, problem, type Problem } from '../problem.ts';
import type { Attribute, Clause, CrossReference, RulesSource } from './model.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export type ClauseDraft = Writable<Omit<Clause, 'children' | 'references' | 'rules' | 'attributes'>> & {
  children: number[];
  references: CrossReference[];
  rules: RulesSource[];
  attributes: Attribute[];
};

export function attributeValue(c: { readonly attributes: readonly Attribute[] }, key: string): Attribute | undefined {
  return c.attributes.find((a) => a.key === key);
}

/** Reads the `severity` attribute, reporting a value that is not one of LSP's severities. */
export function applySeverity(c: ClauseDraft, problems: Problem[]): void {
  const a = attributeValue(c, 'severity');
  if (!a) return;
  if (isSeverity(a.value)) c.severity = a.value;
  else
    problems.push(
      problem('constitution.invalid-severity', `Unknown severity "${a.value}"; expected error, warning, info or hint.`, a.span, 'warning'),
    );
}
