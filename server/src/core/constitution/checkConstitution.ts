/**
 * Checks on what a constitution says, beyond whether it parses: ids used twice, links to clauses
 * that do not exist, clauses with nothing in them, and levels of priority the order does not name.
 */
import { problem, type Problem } from '../problem.ts';
import type { Constitution } from './model.ts';
import { hardConstraintsLevel, statedLevel } from './order.ts';

export function checkConstitution(c: Constitution): Problem[] {
  const problems: Problem[] = [];
  if (c.clauses.length === 0) {
    problems.push(
      problem('constitution.empty', 'This constitution has no principles: it is empty, or holds no heading (Markdown) and no list of principles (YAML, JSON).', { start: 0, end: 0 }),
    );
  }
  const seen = new Set<string>();
  for (const clause of c.clauses) {
    if (seen.has(clause.id)) {
      problems.push(problem('constitution.duplicate-id', `The id "${clause.id}" is used by an earlier clause.`, clause.idSpan ?? clause.headingSpan));
    }
    seen.add(clause.id);
  }
  const levels = new Set(c.order?.levels.map((l) => l.name));
  for (const clause of c.clauses) {
    for (const ref of clause.references) {
      if (!seen.has(ref.targetId)) problems.push(problem('constitution.broken-reference', `No clause has the id "${ref.targetId}".`, ref.idSpan));
    }
    if (clause.text === '' && clause.children.length === 0 && !clause.critique) {
      problems.push(problem('constitution.empty-clause', `The clause "${clause.title || clause.id}" has no text.`, clause.headingSpan, 'warning'));
    }
    const stated = statedLevel(clause);
    if (stated && stated.value !== hardConstraintsLevel && !levels.has(stated.value)) {
      const known = c.order ? `; the order names ${c.order.levels.map((l) => l.name).join(', ')}` : '; the constitution states no order of priority';
      problems.push(problem('constitution.unknown-priority', `Unknown level "${stated.value}"${known}.`, stated.span, 'warning'));
    }
  }
  return problems;
}
