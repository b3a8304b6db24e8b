/**
 * YAML and JSON constitutions (`*.constitution.yaml`, `*.constitution.json`). The document is either
 * a list of principles or a map:
 *
 * ```yaml
 * name: acme
 * title: Acme's constitution
 * order: {kind: priority, levels: [safe, ethical, helpful]}   # as in Markdown front matter
 * hard-constraints: [no_weapons]
 * principles:
 *   - id: be_kind                 # default: the slug of the title
 *     title: Be kind
 *     text: Answer with warmth.
 *     severity: warning           # error | warning | info | hint
 *     priority: helpful           # or authority: ...; `hard-constraints` marks a hard constraint
 *     critique: Identify ways in which the response is unkind.
 *     revision: Rewrite the response to be kind.
 *     rules: [...]                # detectors, kept as located YAML/JSON
 * ```
 *
 * A principle may also be a plain string: its text, with the id `principle-<n>`. Other scalar fields
 * of a principle are kept as attributes.
 */
import { field, plain, stringField, stringList, type Located, type LocatedParse } from '../located.ts';
import { problem, type Problem } from '../problem.ts';
import type { Span } from '../text.ts';
import { applySeverity, type ClauseDraft } from './draft.ts';
import { innerSpan } from './scalarText.ts';
import type { Attribute, Constitution, ConstitutionFormat } from './model.ts';
import { placeClauses, readStatedOrder } from './order.ts';
import { Slugger } from './slug.ts';

const ownFields = new Set(['id', 'title', 'text', 'critique', 'revision', 'rules']);

/** Builds a constitution from an already parsed YAML or JSON document. */
export function structuredConstitution(text: string, parsed: LocatedParse, format: ConstitutionFormat, baseName: string): Constitution {
  const problems: Problem[] = [...parsed.problems];
  const root = parsed.value;
  let list: Located | undefined = root;
  if (root?.kind === 'map') {
    list = field(root, 'principles');
    if (list?.kind !== 'seq') {
      problems.push(problem('constitution.no-principles', 'A constitution lists its principles under "principles".', (list ?? root).span));
    }
  } else if (root && root.kind !== 'seq') {
    problems.push(problem('constitution.no-principles', 'A constitution is a list of principles, or a map with "principles".', root.span));
  }
  const order = root?.kind === 'map' ? readStatedOrder(root, problems) : undefined;
  const hardIds = new Set(stringList(field(root, 'hard-constraints')) ?? []);
  const slugger = new Slugger();
  const items = list?.kind === 'seq' ? list.items : [];
  for (const item of items) {
    const id = item.kind === 'map' ? field(item, 'id') : undefined;
    if (id?.kind === 'scalar' && id.value !== null) slugger.reserve(String(id.value));
  }
  const clauses = items.map((item, n) => principle(text, item, n, slugger, problems));
  placeClauses(clauses, order, new Map(), hardIds);
  const metadata = root?.kind === 'map' ? (plain(root) as Record<string, unknown>) : {};
  delete metadata.principles;
  return {
    name: stringField(root, 'name') || baseName,
    title: stringField(root, 'title') || baseName,
    format,
    clauses,
    order,
    metadata,
    problems,
  };
}

function principle(text: string, item: Located, n: number, slugger: Slugger, problems: Problem[]): ClauseDraft {
  // The yaml library ends a block map after its last line break; an entry ends at its last character.
  let end = item.span.end;
  while (end > item.span.start && /\s/.test(text[end - 1])) end--;
  const entry = { start: item.span.start, end };
  const fallbackId = `principle-${n + 1}`;
  if (item.kind === 'scalar') {
    const body = item.value === null ? '' : String(item.value);
    const textSpan = innerSpan(text, item.span);
    return draft({ id: fallbackId, title: body.trim(), titleSpan: textSpan, entry, text: body.trim(), textSpan });
  }
  if (item.kind !== 'map') {
    problems.push(problem('constitution.invalid-principle', 'A principle is a map with id, title and text, or a string.', entry));
    return draft({ id: fallbackId, title: fallbackId, titleSpan: entry, entry, text: '', textSpan: { start: entry.end, end: entry.end } });
  }
  const idNode = scalar(field(item, 'id'));
  const titleNode = scalar(field(item, 'title'));
  const textNode = field(item, 'text');
  let id: string;
  let idSpan: Span | undefined;
  if (idNode) {
    id = String(idNode.value);
    idSpan = innerSpan(text, idNode.span);
  } else if (titleNode) {
    id = slugger.slug(String(titleNode.value));
  } else {
    problems.push(problem('constitution.missing-id', 'This principle has neither an id nor a title.', entry));
    id = fallbackId;
  }
  const title = titleNode ? String(titleNode.value) : id;
  const titleSpan = titleNode ? innerSpan(text, titleNode.span) : (idSpan ?? { start: entry.start, end: entry.start });
  const body = stringField(item, 'text')?.trim() ?? '';
  const textSpan = textNode ? innerSpan(text, textNode.span) : { start: entry.end, end: entry.end };
  const attributes: Attribute[] = [];
  for (const e of item.entries) {
    if (ownFields.has(e.key) || e.value.kind !== 'scalar') continue;
    attributes.push({ key: e.key, value: e.value.value === null ? '' : String(e.value.value), span: { start: e.keySpan.start, end: e.value.span.end } });
  }
  const clause = draft({ id, idSpan, title, titleSpan, entry, text: body, textSpan, attributes });
  clause.critique = stringField(item, 'critique');
  clause.revision = stringField(item, 'revision');
  const rules = field(item, 'rules');
  if (rules) clause.rules.push({ value: rules, span: rules.span });
  applySeverity(clause, problems);
  return clause;
}

function scalar(node: Located | undefined): (Located & { kind: 'scalar' }) | undefined {
  return node?.kind === 'scalar' && node.value !== null && String(node.value) !== '' ? node : undefined;
}

interface DraftFields {
  readonly id: string;
  readonly idSpan?: Span;
  readonly title: string;
  readonly titleSpan: Span;
  readonly entry: Span;
  readonly text: string;
  readonly textSpan: Span;
  readonly attributes?: Attribute[];
}

/** A top-level clause standing for one entry of a structured document. */
export function draft(f: DraftFields): ClauseDraft {
  return {
    id: f.id,
    idSpan: f.idSpan,
    explicitId: f.idSpan !== undefined,
    title: f.title,
    titleSpan: f.titleSpan,
    level: 1,
    headingSpan: f.entry,
    span: f.entry,
    text: f.text,
    textSpan: f.textSpan,
    attributes: f.attributes ?? [],
    parent: undefined,
    children: [],
    hardConstraint: false,
    references: [],
    rules: [],
  };
}
