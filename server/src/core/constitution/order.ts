/**
 * Orders of priority: reading one from front matter or a structured constitution, the defaults
 * for the Model Spec and Claude's constitution, and placing every clause in the order (a clause
 * without a level of its own inherits its parent's).
 */
import { field, stringField, type Located } from '../located.ts';
import { problem, type Problem } from '../problem.ts';
import { attributeValue, type ClauseDraft } from './draft.ts';
import type { Attribute, PriorityLevel, PriorityOrder } from './model.ts';

/** The Model Spec's levels of authority, highest first. */
export const modelSpecAuthority: PriorityOrder = levelsOf('authority', ['root', 'system', 'developer', 'user', 'guideline']);

/** Claude's constitution's order of priority, highest first. */
export const claudePriority: PriorityOrder = levelsOf('priority', ['broadly-safe', 'broadly-ethical', 'guidelines', 'helpful'], [
  'Broadly safe',
  'Broadly ethical',
  "Compliant with Anthropic's guidelines",
  'Genuinely helpful',
]);

/** The level name that places a clause among the hard constraints, apart from the order. */
export const hardConstraintsLevel = 'hard-constraints';

function levelsOf(kind: PriorityOrder['kind'], names: readonly string[], descriptions?: readonly string[]): PriorityOrder {
  return {
    kind,
    levels: names.map((name, rank) => (descriptions ? { name, rank, description: descriptions[rank] } : { name, rank })),
  };
}

/**
 * The stated order of a constitution's metadata: its `order`, or else a `priority` or `authority`
 * list of levels (`priority: [safety, honesty, helpfulness]`), which says the kind by its key.
 */
export function readStatedOrder(metadata: Located | undefined, problems: Problem[]): PriorityOrder | undefined {
  const order = field(metadata, 'order');
  if (order) return readOrder(order, problems);
  for (const kind of ['priority', 'authority'] as const) {
    const list = field(metadata, kind);
    if (list?.kind === 'seq') {
      const read = readOrder(list, problems);
      return read && { ...read, kind };
    }
  }
  return undefined;
}

/**
 * Reads an `order` value: either a list of level names (kind `priority`), or
 * `{kind: priority|authority, levels: [name | {name, description}]}`, highest first.
 */
export function readOrder(node: Located | undefined, problems: Problem[]): PriorityOrder | undefined {
  if (!node) return undefined;
  let kind: PriorityOrder['kind'] = 'priority';
  let levelsNode: Located | undefined = node;
  if (node.kind === 'map') {
    const k = field(node, 'kind');
    const kv = stringField(node, 'kind');
    if (kv === 'authority' || kv === 'priority') kind = kv;
    else if (k) problems.push(problem('constitution.order', 'The order\'s kind is "priority" or "authority".', k.span));
    levelsNode = field(node, 'levels');
  }
  if (levelsNode?.kind !== 'seq') {
    problems.push(problem('constitution.order', 'An order of priority is a list of levels, highest first.', (levelsNode ?? node).span));
    return undefined;
  }
  const levels: PriorityLevel[] = [];
  for (const item of levelsNode.items) {
    const name = item.kind === 'scalar' ? (item.value === null ? undefined : String(item.value)) : stringField(item, 'name');
    if (!name) {
      problems.push(problem('constitution.order', 'A level of the order needs a name.', item.span));
      continue;
    }
    const description = item.kind === 'map' ? stringField(item, 'description') : undefined;
    levels.push(description === undefined ? { name, rank: levels.length } : { name, rank: levels.length, description });
  }
  return { kind, levels, span: node.span };
}

/** True for an attribute that marks a hard constraint: `hard-constraint`, `hard-constraint=true`. */
function marksHard(c: ClauseDraft): boolean {
  const a = attributeValue(c, 'hard-constraint');
  return a !== undefined && (a.value === '' || a.value === 'true');
}

/** The level a clause states for itself: its `priority=` or else its `authority=` attribute. */
export function statedLevel(c: { readonly attributes: readonly Attribute[] }) {
  return attributeValue(c, 'priority') ?? attributeValue(c, 'authority');
}

/**
 * Sets `priority`, `rank` and `hardConstraint` on every clause. Clauses come in document order, so
 * a parent is settled before its children. `derived` places clauses the constitution does not
 * place itself (Claude's constitution's top-level sections); `hardIds` lists hard constraints by id.
 */
export function placeClauses(
  clauses: ClauseDraft[],
  order: PriorityOrder | undefined,
  derived: ReadonlyMap<number, string> = new Map(),
  hardIds: ReadonlySet<string> = new Set(),
): void {
  const ranks = new Map(order?.levels.map((l) => [l.name, l.rank]));
  clauses.forEach((c, i) => {
    const parent = c.parent === undefined ? undefined : clauses[c.parent];
    const own = statedLevel(c)?.value ?? derived.get(i);
    c.hardConstraint = own === hardConstraintsLevel || marksHard(c) || hardIds.has(c.id) || (parent?.hardConstraint ?? false);
    // Hard constraints stand above the order, so they take no level in it.
    const level = c.hardConstraint ? undefined : (own ?? parent?.priority);
    c.priority = level;
    c.rank = level === undefined ? undefined : ranks.get(level);
  });
}
