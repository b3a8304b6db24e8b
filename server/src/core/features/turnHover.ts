/**
 * The hover on a turn's role label: which conversation it belongs to (its sample, title or
 * branch), what a judge said of that conversation, and the turn's tool calls, tool results and
 * reasoning; and the hover on one of those blocks: its kind, its tool and its text.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { ContentBlock, Conversation, Turn } from '../transcript/model.ts';
import { isJsonlFileName } from '../transcript/parse.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { escapeMarkdown } from './clauseText.ts';

/**
 * A JSONL file larger than this (a dataset) is not read whole for a hover on a role label: it is
 * kept line by line, and its whole transcript would be built for one hover.
 */
const wholeReadLimit = 1024 * 1024;

/** How much of a block's text a hover shows. */
const excerptLength = 600;

const blockKinds: Readonly<Record<string, string>> = {
  tool_call: 'Tool call',
  tool_use: 'Tool call',
  tool_result: 'Tool result',
  reasoning: 'Reasoning',
  thinking: 'Reasoning',
};

export function turnHover(index: WorkspaceIndex, uri: string, offset: number): Hover | undefined {
  const file = index.get(uri);
  if (!file || file.kind !== 'transcript') return undefined;
  if (isJsonlFileName(uri) && file.length > wholeReadLimit) return undefined;
  const transcript = file.transcript;
  if (!transcript) return undefined;
  for (const c of transcript.conversations) {
    if (offset < c.span.start || offset > c.span.end) continue;
    for (const t of c.turns) {
      if (offset < t.span.start || offset > t.span.end) continue;
      if (t.roleSpan && offset >= t.roleSpan.start && offset <= t.roleSpan.end) {
        // A plain turn of an unnamed conversation has nothing to say that the line does not.
        if (!c.judge && !c.title && c.id === undefined && !t.blocks.some((b) => blockKinds[b.type] !== undefined)) return undefined;
        return { contents: { kind: MarkupKind.Markdown, value: describeTurn(c, t) }, range: file.lines.rangeOf(t.roleSpan) };
      }
      const block = t.blocks.find((b) => blockKinds[b.type] !== undefined && offset >= b.span.start && offset <= b.span.end);
      if (block) return { contents: { kind: MarkupKind.Markdown, value: describeBlock(block) }, range: file.lines.rangeOf(block.span) };
    }
  }
  return undefined;
}

/** The conversation a turn is in, its judge's words, and the turn's blocks that are not plain text. */
export function describeTurn(c: Conversation, t: Turn): string {
  const name = c.title ?? c.id;
  const lines = [`**${escapeMarkdown(t.roleLabel || t.role)}**, turn ${t.index + 1} of ${c.turns.length}${name ? ` in ${escapeMarkdown(name)}` : ''}`];
  if (c.judge) lines.push('', '**Judge**', '', quote(c.judge));
  const scores = (c.meta as { scores?: unknown } | undefined)?.scores;
  if (c.judge && scores && typeof scores === 'object') {
    const listed = Object.entries(scores as Record<string, unknown>).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
    if (listed.length > 0) lines.push('', listed.map(([k, v]) => `\`${k}\` ${String(v)}`).join(' · '));
  }
  const blocks = t.blocks.filter((b) => blockKinds[b.type] !== undefined);
  if (blocks.length > 0) lines.push('', ...blocks.map((b) => `- ${blockKinds[b.type]}${b.name ? ` \`${b.name}\`` : ''}`));
  return lines.join('\n');
}

export function describeBlock(b: ContentBlock): string {
  const text = b.text.text.length > excerptLength ? `${b.text.text.slice(0, excerptLength)}…` : b.text.text;
  const fence = text.includes('```') ? '~~~~' : '```';
  return [`**${blockKinds[b.type]}**${b.name ? ` \`${b.name}\`` : ''}`, '', fence, text, fence].join('\n');
}

function quote(text: string): string {
  const cut = text.length > excerptLength * 2 ? `${text.slice(0, excerptLength * 2)}…` : text;
  return cut
    .split('\n')
    .map((l) => `> ${escapeMarkdown(l)}`)
    .join('\n');
}
