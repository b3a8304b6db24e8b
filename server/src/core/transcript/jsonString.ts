import { anchoredText, type MappedText } from '../text.ts';

/**
 * The decoded contents of the JSON string literal that starts (at its opening quote) at `offset`
 * and spans `length` characters of `source`, mapped back to the source exactly: every decoded
 * offset maps to the character, or the escape sequence (`\n`, `\"`, `\u00e9`, each half of a
 * surrogate pair), that produced it.
 *
 * Each JSON escape yields exactly one UTF-16 unit, so the mapping is piecewise linear with an
 * anchor at each escape and after it. A literal without a backslash, which is most of them, is
 * a plain slice mapped by addition. The anchors of the others are built on the first call of
 * `toSource`, because most strings of a large file are never asked for a position. `base` is where
 * `source` itself stands in the file (the start of a JSONL line), and is added to every offset.
 */
export function jsonStringText(source: string, offset: number, length: number, base = 0): MappedText {
  const start = offset + 1;
  let end = offset + length;
  if (length >= 2 && source.charCodeAt(end - 1) === 34 /* " */ && !isEscaped(source, start, end - 1)) end--;
  const backslash = source.indexOf('\\', start);
  if (backslash < 0 || backslash >= end) {
    const text = source.slice(start, end);
    const at = base + start;
    return { text, toSource: (o) => at + o };
  }
  return new EscapedText(source, start, end, backslash, base, false);
}

/**
 * The decoded contents of a string literal that is known to be valid JSON and whose opening quote
 * is at `offset` (a string node of {@link scanJson}'s tree), mapped back as {@link jsonStringText}
 * maps it. Whether it holds an escape is already known, so nothing is searched for; an escaped
 * literal is decoded natively by `JSON.parse` when its text is read, and its anchors are built only
 * when `toSource` is first called.
 */
export function validJsonStringText(source: string, offset: number, length: number, escaped: boolean, base = 0): MappedText {
  const start = offset + 1;
  const end = offset + length - 1;
  if (!escaped) return new VerbatimText(source.slice(start, end), base + start);
  return new EscapedText(source, start, end, -1, base, true);
}

/** Whether the character at `at` is preceded, after `from`, by an odd number of backslashes. */
function isEscaped(source: string, from: number, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= from && source.charCodeAt(i) === 92; i--) n++;
  return n % 2 === 1;
}

/** Text that stands in the source as it is, from `at` on. */
class VerbatimText implements MappedText {
  readonly text: string;
  readonly #at: number;

  constructor(text: string, at: number) {
    this.text = text;
    this.#at = at;
  }

  toSource(offset: number): number {
    return this.#at + offset;
  }
}

const simpleEscapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class EscapedText implements MappedText {
  readonly #source: string;
  readonly #start: number;
  readonly #end: number;
  readonly #firstEscape: number;
  readonly #base: number;
  readonly #valid: boolean;
  #text: string | undefined;
  #mapped: MappedText | undefined;

  /** `firstEscape` is the first backslash, or -1 to find it when decoding; `valid` says the literal is valid JSON. */
  constructor(source: string, start: number, end: number, firstEscape: number, base: number, valid: boolean) {
    this.#base = base;
    this.#valid = valid;
    this.#source = source;
    this.#start = start;
    this.#end = end;
    this.#firstEscape = firstEscape;
  }

  get text(): string {
    if (this.#text === undefined) this.#text = this.#valid ? (JSON.parse(this.#source.slice(this.#start - 1, this.#end + 1)) as string) : this.#decode().text;
    return this.#text;
  }

  toSource(offset: number): number {
    return this.#base + (this.#mapped ??= this.#decode()).toSource(offset);
  }

  /**
   * Decodes the literal and records its anchors. A malformed escape (which the JSON parser has
   * already reported) decodes to its own characters, so the mapping still covers every offset.
   */
  #decode(): MappedText {
    const source = this.#source;
    const end = this.#end;
    const anchors: Array<[number, number]> = [[0, this.#start]];
    const parts: string[] = [];
    let runStart = this.#start;
    let decoded = 0;
    let p = this.#firstEscape < 0 ? source.indexOf('\\', this.#start) : this.#firstEscape;
    while (p >= 0 && p < end) {
      parts.push(source.slice(runStart, p));
      decoded += p - runStart;
      const c = source[p + 1];
      let len = 2;
      let out: string | undefined = simpleEscapes[c];
      if (c === 'u') {
        const hex = source.slice(p + 2, p + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out = String.fromCharCode(parseInt(hex, 16));
          len = 6;
        }
      }
      if (out === undefined) {
        len = Math.min(2, end - p);
        out = source.slice(p, p + len);
      }
      if (anchors[anchors.length - 1][0] !== decoded) anchors.push([decoded, p]);
      else anchors[anchors.length - 1][1] = p;
      parts.push(out);
      decoded += out.length;
      p += len;
      anchors.push([decoded, p]);
      runStart = p;
      p = source.indexOf('\\', p);
    }
    parts.push(source.slice(runStart, end));
    decoded += end - runStart;
    if (anchors[anchors.length - 1][0] !== decoded) anchors.push([decoded, end]);
    const text = parts.join('');
    this.#text ??= text;
    const mapped = anchoredText(text, anchors);
    this.#mapped = mapped;
    return mapped;
  }
}
