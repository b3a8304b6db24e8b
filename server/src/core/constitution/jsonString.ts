/**
 * Decoding of one JSON string literal with the way back to the source, so that a range of the
 * decoded text (a principle's request without its framing) maps to the exact characters in the file.
 */
import { anchoredText, type MappedText, type Span } from '../text.ts';

const simpleEscapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes the JSON string literal that stands at `literal` in `source` (quotes included). A literal
 * that is not a string (a number, say) is taken verbatim.
 */
export function decodeJsonString(source: string, literal: Span): MappedText {
  if (source.charCodeAt(literal.start) !== 34 /* " */) {
    return anchoredText(source.slice(literal.start, literal.end), [[0, literal.start]]);
  }
  const end = source.charCodeAt(literal.end - 1) === 34 && literal.end - 1 > literal.start ? literal.end - 1 : literal.end;
  let text = '';
  const anchors: Array<readonly [number, number]> = [[0, literal.start + 1]];
  let runStart = literal.start + 1;
  let i = runStart;
  while (i < end) {
    if (source.charCodeAt(i) !== 92 /* \ */) {
      i++;
      continue;
    }
    text += source.slice(runStart, i);
    const c = source[i + 1] ?? '';
    let width = 2;
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
      text += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
      width = 6;
    } else {
      text += simpleEscapes[c] ?? c;
    }
    anchors.push([text.length, i + width]);
    i += width;
    runStart = i;
  }
  text += source.slice(runStart, end);
  anchors.push([text.length, end]);
  return anchoredText(text, anchors);
}

/** The span of a scalar's content: inside the quotes when it is quoted, the whole scalar otherwise. */
export function innerSpan(source: string, s: Span): Span {
  const q = source[s.start];
  if ((q === '"' || q === "'") && s.end - s.start >= 2 && source[s.end - 1] === q) return { start: s.start + 1, end: s.end - 1 };
  return s;
}
