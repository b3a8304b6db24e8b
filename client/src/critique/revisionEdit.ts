/**
 * The text edits that put a revision in place of a turn's text. The revision replaces the first text
 * block, and later text blocks of the turn are emptied, so the turn reads as the revision and nothing
 * else of the file (roles, notes, other properties) is touched.
 */
import type { ContentBlock } from '@lens/core';
import type { PanelSpan } from '../webviewMessages.ts';

export interface TextReplacement {
  readonly span: PanelSpan;
  readonly newText: string;
}

/**
 * The contents of a JSON string literal (without its quotes) that decodes to `text`. Line breaks,
 * quotes, backslashes and control characters are escaped; other characters stay as they are, which
 * JSON allows and which keeps the file readable.
 */
export function jsonStringContent(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The source span of each text block's text, in document order. */
export function textBlockSpans(blocks: readonly ContentBlock[]): PanelSpan[] {
  return blocks
    .filter((b) => b.type === 'text')
    .map((b) => ({ start: b.text.toSource(0), end: b.text.toSource(b.text.text.length) }));
}

/** Replacements of `spans` (a turn's text blocks) by `revision`, encoded for JSON when `json` is set. */
export function revisionReplacements(spans: readonly PanelSpan[], revision: string, json: boolean): TextReplacement[] {
  if (spans.length === 0) return [];
  const text = revision.replace(/\s+$/, '');
  return spans.map((span, i) => ({ span, newText: i === 0 ? (json ? jsonStringContent(text) : text) : '' }));
}

/**
 * Why a revision may not be applied to the document as it now is, or undefined when it may: each
 * span must still hold the source text it held when the critique started.
 */
export function staleReason(documentText: string, replace: readonly { span: PanelSpan; source: string }[]): string | undefined {
  for (const r of replace) {
    if (r.span.end > documentText.length || documentText.slice(r.span.start, r.span.end) !== r.source) {
      return 'The turn has changed since the critique started, so the revision was not applied. Re-run the critique to revise the current text.';
    }
  }
  return undefined;
}
