/**
 * The constitution model: a document of named principles ("clauses"), whichever format it came from.
 * Parsers in this folder build it; detectors, hovers, navigation and critiques read it. It is plain
 * data (objects, arrays, strings, numbers), so that `check` can post it to its worker threads.
 */
import type { Located } from '../located.ts';
import type { Problem, Severity } from '../problem.ts';
import type { Span } from '../text.ts';

export const ConstitutionFormat = {
  markdown: 'markdown',
  yaml: 'yaml',
  json: 'json',
  /** The Constitutional AI paper's list of `{critique, revision}` request pairs. */
  caiPairs: 'cai-pairs',
  /** The Constitutional AI paper's list of preference principles (plain strings). */
  caiPrinciples: 'cai-principles',
} as const;
export type ConstitutionFormat = (typeof ConstitutionFormat)[keyof typeof ConstitutionFormat];

/** A `key=value` attribute of a heading anchor, or a field of a structured principle. */
export interface Attribute {
  readonly key: string;
  readonly value: string;
  readonly span: Span;
}

/** A link from one clause's text to another clause: `[text](#id)` or the Model Spec's `[?](#id)`. */
export interface CrossReference {
  readonly targetId: string;
  /** The whole link. */
  readonly span: Span;
  /** The id inside the link target, without `#`. */
  readonly idSpan: Span;
}

/** One level of a constitution's order of priority; rank 0 outranks rank 1. */
export interface PriorityLevel {
  readonly name: string;
  readonly rank: number;
  readonly description?: string;
}

/**
 * A constitution's stated order of priority. `kind` says what the clauses are ranked by:
 * `priority` (Claude's constitution: broadly safe, broadly ethical, ...) or `authority`
 * (the Model Spec: root, system, developer, user, guideline). Hard constraints, where a
 * constitution names them, stand apart from and above the order.
 */
export interface PriorityOrder {
  readonly kind: 'priority' | 'authority';
  readonly levels: readonly PriorityLevel[];
  /** Where the order is stated (front matter), when it is. */
  readonly span?: Span;
}

export interface Clause {
  /** The clause id citations use: the explicit `{#id}` anchor, else the GitHub-style slug. */
  readonly id: string;
  /** Where the explicit id stands in the source; absent for slugs. */
  readonly idSpan?: Span;
  readonly explicitId: boolean;
  readonly title: string;
  readonly titleSpan: Span;
  /** Heading level for Markdown (1-6); 1 for the entries of a flat list. */
  readonly level: number;
  /** The heading line, or the whole entry of a structured principle. */
  readonly headingSpan: Span;
  /** The clause from its heading to the end of its text (the next heading of the same or a higher level). */
  readonly span: Span;
  /** The clause's own text, without its heading, whitespace-trimmed. */
  readonly text: string;
  readonly textSpan: Span;
  readonly attributes: readonly Attribute[];
  /** Index in {@link Constitution.clauses} of the enclosing clause. */
  readonly parent?: number;
  readonly children: readonly number[];
  /** The level of the order of priority this clause stands at, if the constitution says. */
  readonly priority?: string;
  /** Rank of {@link priority} in the order (0 highest). */
  readonly rank?: number;
  /** A hard constraint stands apart from and above the order of priority. */
  readonly hardConstraint: boolean;
  /** Severity stated on the clause (`severity=` attribute or field). */
  readonly severity?: Severity;
  readonly references: readonly CrossReference[];
  /** The clause's detectors as written: YAML `rules` blocks in Markdown, or the `rules` field. */
  readonly rules: readonly RulesSource[];
  /** Constitutional AI style requests: how to critique a turn against this clause, and how to revise it. */
  readonly critique?: string;
  readonly revision?: string;
}

/** A clause's detector declarations with their place in the source. */
export interface RulesSource {
  /** The parsed rules (a sequence of rule maps, or a map holding one); undefined if they did not parse. */
  readonly value: Located | undefined;
  /** The block's content (inside the fence, or the `rules` value). */
  readonly span: Span;
  /** The file the rules are written in, when it is not the constitution's own (a rule pack). */
  readonly uri?: string;
}

export interface Constitution {
  /** Short name used in `[[name#id]]` citations: front matter `name`, else the file's base name. */
  readonly name: string;
  readonly title: string;
  readonly format: ConstitutionFormat;
  /** Every clause in document order. */
  readonly clauses: readonly Clause[];
  readonly order?: PriorityOrder;
  /** Front matter or top-level metadata, as plain values. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly problems: readonly Problem[];
}

/** Looks a clause up by id. Constitutions are small enough that a Map per call site is the caller's choice. */
export function clauseById(c: Constitution, id: string): Clause | undefined {
  return c.clauses.find((cl) => cl.id === id);
}
