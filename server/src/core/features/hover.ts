/**
 * The hover on a citation: the clause's title, its place in the order of priority, the first
 * paragraph of its text and a link to the rest; or why the citation does not resolve.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { clauseLink, clausePlace, clausePreview, escapeMarkdown } from './clauseText.ts';

export function hover(index: WorkspaceIndex, uri: string, offset: number): Hover | undefined {
  const file = index.get(uri);
  const ref = file?.kind === 'transcript' ? index.citationAt(uri, offset) : undefined;
  if (!file || !ref) return undefined;
  const resolution = index.resolveCitation(ref.citation);
  const range = file.lines.rangeOf(ref.citation.span);
  let value: string;
  if (resolution.kind === 'ok') {
    const target = index.get(resolution.uri);
    const { constitution, clause } = resolution;
    const lines = [`**${escapeMarkdown(clause.title)}** \`${constitution.name}#${clause.id}\``];
    const place = clausePlace(constitution, clause);
    if (place) lines.push('', `*${place}*`);
    const preview = clausePreview(clause);
    if (preview) lines.push('', preview);
    if (target) lines.push('', `[Open the clause](${clauseLink(target, clause)})`);
    value = lines.join('\n');
  } else if (resolution.kind === 'ambiguous') {
    const names = resolution.candidates.map((c) => `\`${c.constitution.name}#${c.clause.id}\``).join(', ');
    value = `\`${ref.citation.id}\` is a clause of several constitutions; write one of ${names}.`;
  } else {
    const also = resolution.suggestions.length > 0 ? ` Did you mean ${resolution.suggestions.map((s) => `\`${s}\``).join(', ')}?` : '';
    value = `No clause has the id \`${ref.citation.id}\`.${also}`;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}
