/**
 * How a clause is described in hovers, completions and code lenses: its place in the order of
 * priority in a few words, and the first paragraph of its text.
 */
import type { Clause, Constitution } from '../constitution/model.ts';
import type { IndexedFile } from '../workspace/index.ts';

/** `priority: broadly-safe (1 of 4)`, `authority: user`, `hard constraint`, or nothing when unstated. */
export function clausePlace(constitution: Constitution, clause: Clause): string | undefined {
  const parts: string[] = [];
  if (clause.priority !== undefined) {
    const order = constitution.order;
    const kind = order?.kind ?? 'priority';
    const levels = order ? [...order.levels].sort((a, b) => a.rank - b.rank) : [];
    const at = levels.findIndex((l) => l.name === clause.priority);
    parts.push(kind === 'priority' && at >= 0 ? `${kind}: ${clause.priority} (${at + 1} of ${levels.length})` : `${kind}: ${clause.priority}`);
  }
  if (clause.hardConstraint) parts.push('hard constraint');
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The first paragraph of a clause's text that is not a fenced block, cut at `max` characters. */
export function clausePreview(clause: Clause, max = 600): string {
  const paragraph = clause.text.split(/\r?\n\s*\r?\n/).find((p) => p.trim() !== '' && !p.trim().startsWith('```')) ?? '';
  const flat = paragraph.trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** A link that opens the constitution at the clause's heading (VS Code reads `#L<line>` fragments). */
export function clauseLink(file: Pick<IndexedFile, 'uri' | 'lines'>, clause: Clause): string {
  const line = file.lines.positionAt(clause.headingSpan.start).line + 1;
  return `${file.uri}#L${line}`;
}

/** Escapes the characters Markdown would read as formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}
