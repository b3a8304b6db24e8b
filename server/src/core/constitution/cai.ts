/**
 * The Constitutional AI paper's principle files, as published: `CritiqueRevisionInstructions.json`,
 * a map from a name (`harmful0`) to `{prompt: [critique request], edit_request: revision request}`,
 * and `RLMadisonInstructions.json`, a list of preference instructions. The few-shot framing around
 * each request (`\n\nCritiqueRequest: ... \n\nCritique:`, a trailing `Options:`) is prompt scaffolding,
 * so a clause's texts leave it out; their spans point at the request itself inside the JSON string.
 */
import { field, type Located, type LocatedParse } from '../located.ts';
import { problem, type Problem } from '../problem.ts';
import { mappedSpan, type Span } from '../text.ts';
import type { ClauseDraft } from './draft.ts';
import { decodeJsonString, innerSpan } from './scalarText.ts';
import type { Constitution } from './model.ts';
import { draft } from './structured.ts';

/** True for a map whose every value is a `{prompt, edit_request}` pair. */
export function isCaiPairs(root: Located | undefined): boolean {
  return (
    root?.kind === 'map' &&
    root.entries.length > 0 &&
    root.entries.every((e) => e.value.kind === 'map' && (field(e.value, 'prompt') !== undefined || field(e.value, 'edit_request') !== undefined))
  );
}

/** True for a list of strings only. */
export function isCaiPrinciples(root: Located | undefined): boolean {
  return root?.kind === 'seq' && root.items.length > 0 && root.items.every((i) => i.kind === 'scalar' && typeof i.value === 'string');
}

interface Request {
  readonly text: string;
  readonly span: Span;
  /** The source offset of an offset into the first string's request. */
  readonly sourceAt: (offset: number) => number;
}

const framing = {
  critique: [/^\s*CritiqueRequest:\s*/, /\s*(?:\n\s*Critique:)?\s*$/],
  revision: [/^\s*RevisionRequest:\s*/, /\s*(?:\n\s*Revision:)?\s*$/],
  preference: [/^\s*/, /\s*(?:Options:)?\s*$/],
} as const;

/** The request inside one JSON string (or every string of a list), without its framing. */
function request(source: string, node: Located | undefined, frame: readonly [RegExp, RegExp]): Request | undefined {
  const strings = node?.kind === 'seq' ? node.items : node ? [node] : [];
  const parts: Request[] = [];
  for (const s of strings) {
    if (s.kind !== 'scalar' || typeof s.value !== 'string') continue;
    const decoded = decodeJsonString(source, s.span);
    const head = frame[0].exec(decoded.text)?.[0].length ?? 0;
    const tail = frame[1].exec(decoded.text.slice(head));
    const end = tail ? head + (tail.index ?? 0) : decoded.text.length;
    parts.push({ text: decoded.text.slice(head, end), span: mappedSpan(decoded, head, end), sourceAt: (o) => decoded.toSource(head + o) });
  }
  if (parts.length === 0) return undefined;
  return {
    text: parts.map((p) => p.text).join('\n\n'),
    span: { start: parts[0].span.start, end: parts[parts.length - 1].span.end },
    sourceAt: parts[0].sourceAt,
  };
}

/** The critique/revision pairs: one clause per named pair, its text the critique request. */
export function caiPairsConstitution(source: string, parsed: LocatedParse, baseName: string): Constitution {
  const problems: Problem[] = [...parsed.problems];
  const clauses: ClauseDraft[] = [];
  const root = parsed.value;
  for (const e of root?.kind === 'map' ? root.entries : []) {
    const idSpan = innerSpan(source, e.keySpan);
    const entry = { start: e.keySpan.start, end: e.value.span.end };
    const critique = request(source, field(e.value, 'prompt'), framing.critique);
    const revision = request(source, field(e.value, 'edit_request'), framing.revision);
    if (!critique) problems.push(problem('constitution.cai-entry', `"${e.key}" has no critique request ("prompt").`, entry));
    if (!revision) problems.push(problem('constitution.cai-entry', `"${e.key}" has no revision request ("edit_request").`, entry, 'warning'));
    const c = draft({
      id: e.key,
      idSpan,
      title: e.key,
      titleSpan: idSpan,
      entry,
      text: critique?.text ?? '',
      textSpan: critique?.span ?? { start: entry.end, end: entry.end },
    });
    c.critique = critique?.text;
    c.revision = revision?.text;
    clauses.push(c);
  }
  return { name: baseName, title: baseName, format: 'cai-pairs', clauses, metadata: {}, problems };
}

/** The preference principles: one clause per string, `principle-1` ... in order. */
export function caiPrinciplesConstitution(source: string, parsed: LocatedParse, baseName: string): Constitution {
  const problems: Problem[] = [...parsed.problems];
  const root = parsed.value;
  const clauses = (root?.kind === 'seq' ? root.items : []).map((item, n) => {
    const r = request(source, item, framing.preference) ?? { text: '', span: { start: item.span.end, end: item.span.end }, sourceAt: () => item.span.end };
    const sentence = /^[\s\S]*?[.?!](?=\s|$)/.exec(r.text)?.[0] ?? r.text;
    const c = draft({
      id: `principle-${n + 1}`,
      title: sentence,
      titleSpan: { start: r.sourceAt(0), end: r.sourceAt(sentence.length) },
      entry: item.span,
      text: r.text,
      textSpan: r.span,
    });
    c.critique = r.text || undefined;
    return c;
  });
  return { name: baseName, title: baseName, format: 'cai-principles', clauses, metadata: {}, problems };
}
