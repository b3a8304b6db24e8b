/**
 * Rule packs: detectors kept apart from the constitution they serve, keyed by its clause ids, so
 * that a published constitution is never edited. A pack is a YAML file (`*.rules.yaml`):
 *
 * ```yaml
 * pack: openai-model-spec            # the pack's name; `constitutionLens.packs` turns it off by name
 * title: OpenAI Model Spec           # what the pack is for, in words
 * for:                               # how its constitution is recognised, by content
 *   title: Overview                  # optional: the constitution's title (its first heading), any case
 *   name: acme                       # optional: the constitution's name (front matter or file name)
 *   clauses: [do_not_lie, refusal_style]   # clause ids that must all be present
 *   phrases: [too preachy]           # optional: phrases the clauses' text holds, any case
 *   text: ['{#overview}']            # optional: phrases near the top of the file, which make a file
 *                                    # of any name a constitution
 * rules:                             # detectors per clause id, in the schema of a `rules` block
 *   do_not_lie:
 *     - id: claims-to-be-human
 *       kind: regex
 *       ...
 *     - copy: sycophantic-opener     # a detector of the starter constitution, fields below override it
 *       severity: info
 * ```
 *
 * Problems are reported at their place in the pack: `pack.invalid` (the file's shape),
 * `pack.unknown-copy` (a `copy` that names no starter detector), and, once the pack is applied,
 * `pack.unknown-clause` (a clause id its constitution lacks) and `pack.no-constitution` (a pack of
 * the workspace that no loaded constitution matches).
 */
import { field, parseYamlLocated, stringField, stringList, type Located, type LocatedEntry } from '../located.ts';
import { problem, type Problem } from '../problem.ts';
import type { Span } from '../text.ts';

const packName = /\.rules\.ya?ml$/i;

/** True for `*.rules.yaml` and `*.rules.yml`. */
export function isPackFileName(name: string): boolean {
  return packName.test(name.replace(/[?#].*$/, ''));
}

/** One clause's detectors in a pack: the clause id with its place, and the rules as written. */
export interface PackClause {
  readonly id: string;
  readonly idSpan: Span;
  /** The detectors, `copy` entries already expanded. */
  readonly value: Located;
  readonly span: Span;
}

/** What a pack says about the constitution it is for. */
export interface PackTarget {
  readonly title?: string;
  readonly name?: string;
  readonly clauses: readonly string[];
  /** Phrases that all occur in the constitution's clauses (their titles, texts or critique requests), any case. */
  readonly phrases: readonly string[];
  /** Phrases that all occur near the top of the constitution's file: how a file of any name is recognised. */
  readonly text: readonly string[];
  /** The `for` entry, where problems about recognition are reported. */
  readonly span: Span;
}

export interface RulePack {
  readonly uri: string;
  /** The name settings use to turn the pack off. */
  readonly name: string;
  readonly title: string;
  readonly target: PackTarget;
  readonly clauses: readonly PackClause[];
  readonly problems: readonly Problem[];
}

/** Detector declarations a pack may copy by id (the starter constitution's), as written there. */
export type CopySource = ReadonlyMap<string, Located>;

/** Reads a pack; never throws. `copies` resolves `copy:` entries (the starter's detectors by id). */
export function parsePack(text: string, uri: string, copies: CopySource = new Map()): RulePack {
  const parsed = parseYamlLocated(text);
  const problems: Problem[] = [...parsed.problems];
  const root = parsed.value;
  const whole = { start: 0, end: text.length };
  const fallbackName = uri.slice(uri.lastIndexOf('/') + 1).replace(packName, '');
  if (root?.kind !== 'map') {
    if (parsed.problems.length === 0) problems.push(problem('pack.invalid', 'A rule pack is a map with `pack`, `for` and `rules`.', root?.span ?? whole));
    return { uri, name: fallbackName, title: fallbackName, target: { clauses: [], text: [], phrases: [], span: whole }, clauses: [], problems };
  }
  const name = stringField(root, 'pack') ?? fallbackName;
  if (!field(root, 'pack')) problems.push(problem('pack.invalid', 'A rule pack names itself with `pack: <name>`, which settings use to turn it off.', firstLine(root.span), 'warning'));
  const forNode = field(root, 'for');
  const target: PackTarget = {
    title: stringField(forNode, 'title'),
    name: stringField(forNode, 'name'),
    clauses: stringList(field(forNode, 'clauses')) ?? [],
    text: stringList(field(forNode, 'text')) ?? [],
    phrases: stringList(field(forNode, 'phrases')) ?? [],
    span: forNode?.span ?? firstLine(root.span),
  };
  if (forNode?.kind !== 'map' || (!target.title && !target.name && target.clauses.length === 0)) {
    problems.push(problem('pack.invalid', 'A rule pack says which constitution it is for: `for:` with a `title`, a `name` or `clauses` (ids that must be present).', target.span));
  }
  const clauses: PackClause[] = [];
  const rules = field(root, 'rules');
  if (rules?.kind !== 'map') {
    problems.push(problem('pack.invalid', '`rules` maps clause ids to lists of detectors.', rules?.span ?? firstLine(root.span)));
  } else {
    for (const entry of rules.entries) clauses.push({ id: entry.key, idSpan: entry.keySpan, value: expandCopies(entry.value, copies, problems), span: entry.value.span });
  }
  return { uri, name, title: stringField(root, 'title') ?? name, target, clauses, problems };
}

function firstLine(span: Span): Span {
  return { start: span.start, end: span.start };
}

/**
 * Replaces each `copy: <id>` detector by the starter's declaration of that id, the pack's own
 * fields over it. The copied fields take the place of the `copy` entry, so that a problem with them
 * (a failing example, say) is reported in the pack rather than in the file it came from.
 */
function expandCopies(node: Located, copies: CopySource, problems: Problem[]): Located {
  if (node.kind !== 'seq') return node;
  const items = node.items.map((item) => {
    const copy = field(item, 'copy');
    if (item.kind !== 'map' || !copy) return item;
    const id = copy.kind === 'scalar' ? String(copy.value) : '';
    const source = copies.get(id);
    if (!source || source.kind !== 'map') {
      problems.push(problem('pack.unknown-copy', `No starter detector "${id}" to copy; the starter's are ${[...copies.keys()].join(', ')}.`, copy.span));
      return { ...item, entries: item.entries.filter((e) => e.key !== 'copy') };
    }
    const own = item.entries.filter((e) => e.key !== 'copy');
    const keys = new Set(own.map((e) => e.key));
    const inherited: LocatedEntry[] = source.entries
      .filter((e) => !keys.has(e.key))
      .map((e) => ({ key: e.key, keySpan: copy.span, value: placeAt(e.value, copy.span) }));
    return { kind: 'map' as const, entries: [...inherited, ...own], span: item.span };
  });
  return { ...node, items };
}

function placeAt(node: Located, span: Span): Located {
  switch (node.kind) {
    case 'scalar':
      return { ...node, span };
    case 'seq':
      return { kind: 'seq', items: node.items.map((i) => placeAt(i, span)), span };
    case 'map':
      return { kind: 'map', entries: node.entries.map((e) => ({ key: e.key, keySpan: span, value: placeAt(e.value, span) })), span };
  }
}

/** Whether a file's first part (64 KiB or so) says it is the constitution this pack is for: it holds every `for.text` phrase, any case. */
export function recognisesText(pack: RulePack, head: string): boolean {
  if (pack.target.text.length === 0) return false;
  const lower = head.toLowerCase();
  return pack.target.text.every((phrase) => lower.includes(phrase.toLowerCase()));
}

/** The detector declarations of a constitution's `rules` blocks by detector id, for `copy:`. */
export function detectorDeclarations(rules: readonly { readonly value: Located | undefined }[]): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const r of rules) {
    const items = r.value?.kind === 'seq' ? r.value.items : r.value ? [r.value] : [];
    for (const item of items) {
      const id = stringField(item, 'id');
      if (id && !out.has(id)) out.set(id, item);
    }
  }
  return out;
}
