import type { MappedText, Span } from '../text.ts';

/** The part `[start, end)` of a mapped text, still mapping back to the original source. */
export function mappedSlice(text: MappedText, start: number, end: number): MappedText {
  if (start === 0 && end === text.text.length) return text;
  const inner = text;
  return { text: inner.text.slice(start, end), toSource: (offset) => inner.toSource(start + offset) };
}

/** The source range of a whole mapped text. */
export function sourceSpan(text: MappedText): Span {
  return { start: text.toSource(0), end: text.toSource(text.text.length) };
}
