/**
 * The hover on a flagged range: which principle the words may conflict with, its clause quoted, the
 * severity, the detector, and where the principle stands in the constitution's order of priority.
 * The finding's message (the detector's reason) is not repeated: it is the diagnostic's message, which
 * the editor shows in the same hover, just above.
 */
import type { Clause, Constitution } from '../constitution/model.ts';
import type { Finding } from '../detectors/types.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { learnedSection } from './learnedHover.ts';

export interface FindingHover {
  readonly markdown: string;
  readonly findings: readonly Finding[];
}

export function findingHover(index: WorkspaceIndex, uri: string, offset: number): FindingHover | undefined {
  const findings = index.findings(uri).filter((f) => !f.reviewed && f.span.start <= offset && offset <= f.span.end);
  if (findings.length === 0) return undefined;
  const parts = findings.map((f) => describeFinding(index, f));
  return { markdown: parts.join('\n\n---\n\n'), findings };
}

export function describeFinding(index: WorkspaceIndex, f: Finding): string {
  const constitution = index.get(f.constitutionUri)?.constitution;
  const clause = constitution?.clauses.find((c) => c.id === f.principle);
  const lines = [`**${escapeMarkdown(clause?.title ?? f.principle)}** \`${f.constitution}#${f.principle}\``];
  lines.push('', `${capitalise(f.severity)} · rule \`${f.rule}\``);
  if (f.learned) lines.push('', learnedSection(f.learned));
  if (constitution && clause) {
    const standing = priorityStanding(constitution, clause);
    if (standing) lines.push('', standing);
    const excerpt = firstParagraph(clause.text);
    if (excerpt) lines.push('', quote(excerpt));
  }
  return lines.join('\n');
}

/**
 * Where a clause stands in its constitution's order of priority, in words: its level, its rank, and
 * what outranks it.
 */
export function priorityStanding(constitution: Constitution, clause: Clause): string | undefined {
  if (clause.hardConstraint) return 'Hard constraint: stands apart from and above the order of priority.';
  const order = constitution.order;
  if (!order || clause.priority === undefined) return undefined;
  const levels = [...order.levels].sort((a, b) => a.rank - b.rank);
  const at = levels.findIndex((l) => l.name === clause.priority);
  if (at < 0) return `${capitalise(order.kind)}: ${clause.priority}`;
  const above = levels.slice(0, at).map((l) => l.name);
  const place = `${capitalise(order.kind)}: **${clause.priority}** (${at + 1} of ${levels.length})`;
  return above.length > 0 ? `${place}; outranked by ${above.join(', ')}.` : `${place}; outranked by nothing in the order.`;
}

export function firstParagraph(text: string, max = 600): string {
  const paragraph = text.split(/\n\s*\n/).find((p) => p.trim() !== '' && !p.trim().startsWith('```')) ?? '';
  const flat = paragraph.trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}
