import type { MappedText, Span } from '../text.ts';
import type { Citation, Note } from './model.ts';

/**
 * `[[id]]` or `[[name#id]]`. Ids and names are runs without brackets, `#` or line breaks, so that a
 * stray `[[` on one line does not swallow the text that follows.
 */
const citationPattern = /\[\[([^\[\]#\r\n]*)(?:#([^\[\]#\r\n]*))?\]\]/g;

/** Every citation in a mapped text, with the source ranges of the whole citation and of its id. */
export function findCitations(text: MappedText): Citation[] {
  const out: Citation[] = [];
  if (!text.text.includes('[[')) return out;
  for (const m of text.text.matchAll(citationPattern)) {
    const start = m.index;
    const end = start + m[0].length;
    const hasName = m[2] !== undefined;
    const rawId = hasName ? m[2] : m[1];
    const idStartInMatch = hasName ? 2 + m[1].length + 1 : 2;
    const lead = rawId.length - rawId.trimStart().length;
    const id = rawId.trim();
    const idStart = start + idStartInMatch + lead;
    const citation: Citation = {
      id,
      span: { start: text.toSource(start), end: text.toSource(end) },
      idSpan: { start: text.toSource(idStart), end: text.toSource(idStart + id.length) },
      ...(hasName ? { constitution: m[1].trim() } : {}),
    };
    out.push(citation);
  }
  return out;
}

/** A note over a mapped text, with its citations. */
export function makeNote(text: MappedText, span: Span): Note {
  return { text, span, citations: findCitations(text) };
}
