/**
 * Decoding of one JSON string literal with the way back to the source, so that a range of the
 * decoded text (a principle's request without its framing) maps to the exact characters in the file.
 */
import { anchoredText, type MappedText, type Span } from '../text.ts';
import { jsonStringText } from '../transcript/jsonString.ts';

/**
 * Decodes the JSON string literal that stands at `literal` in `source` (quotes included), with the
 * transcript parser's decoder. A literal that is not a string (a number, say) is taken verbatim.
 */
export function decodeJsonString(source: string, literal: Span): MappedText {
  if (source.charCodeAt(literal.start) !== 34 /* " */) {
    return anchoredText(source.slice(literal.start, literal.end), [[0, literal.start]]);
  }
  return jsonStringText(source, literal.start, literal.end - literal.start);
}

/** The span of a scalar's content: inside the quotes when it is quoted, the whole scalar otherwise. */
export function innerSpan(source: string, s: Span): Span {
  const q = source[s.start];
  if ((q === '"' || q === "'") && s.end - s.start >= 2 && source[s.end - 1] === q) return { start: s.start + 1, end: s.end - 1 };
  return s;
}
