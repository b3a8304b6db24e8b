/**
 * Splits UTF-8 bytes into lines, for reading a large JSONL file one line at a time, whole or a range
 * of whole lines at a time (so that several threads can each read their own part of one file).
 *
 * A line ends at `\n`; a `\r` before it is dropped; a final line without a line break still counts.
 * That is what `node:readline` does for a JSONL file, at about twice the speed: each chunk is decoded
 * once (by `TextDecoder`, which is faster than `StringDecoder`) and searched with `indexOf`, and each
 * line is handed to a callback rather than through an event or a promise. Bytes that are not UTF-8
 * become U+FFFD, as they do for `readline`. Every line comes with its 0-based number and its UTF-16
 * offset in the decoded input, so positions in messages are exact whatever the chunk boundaries were.
 */
import { readSync } from 'node:fs';

/**
 * The size of the chunks to read a file in. At 64 KiB a chunk's decoded text stays under V8's
 * large-object size, so it is collected young with the lines cut from it; chunks of 1 MiB went to
 * the old generation and lifted peak memory by a hundred megabytes on a 100 MB file.
 */
const chunkSize = 1 << 16;

/** Called once per line, blank ones included, with the line's text (no line break), number and start offset. */
export type OnLine = (text: string, line: number, start: number) => void;

/** What a whole input held, once it has ended. */
export interface LineTotals {
  /** Lines seen, blank ones included; a final line without a line break counts, an empty tail does not. */
  readonly lines: number;
  /** Bytes read. */
  readonly bytes: number;
}

/**
 * Feed it chunks in order with {@link LineSplitter.push}, then call {@link LineSplitter.end}. A
 * multi-byte character cut between two chunks is joined up before it is decoded, and a line cut
 * between chunks is handed on whole. A UTF-8 byte order mark at the very start is not part of the
 * first line, as an editor does not show it either.
 */
export class LineSplitter {
  readonly #decoder: TextDecoder;
  readonly #onLine: OnLine;
  /** The start of a line whose end has not been read yet, in pieces, so that a long line is joined once. */
  #partial: string[] = [];
  #line = 0;
  #offset = 0;
  #bytes = 0;
  #started: boolean;

  /** `atFileStart: false` for input that starts later in a file, where U+FEFF is a character like any other. */
  constructor(onLine: OnLine, options: { atFileStart?: boolean } = {}) {
    this.#onLine = onLine;
    this.#started = options.atFileStart === false;
    // The decoder keeps a byte order mark (`ignoreBOM`), so that bytes and strings lose the same
    // one: the first, which `push` drops, and no other.
    this.#decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  }

  /** Splits one more chunk; bytes are decoded as UTF-8, strings are taken as they are. */
  push(chunk: Uint8Array | string): void {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      this.#bytes += Buffer.byteLength(chunk);
    } else {
      text = this.#decoder.decode(chunk, { stream: true });
      this.#bytes += chunk.length;
    }
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#split(text);
  }

  /** Ends the input: a last line without a line break is handed on now. */
  end(): LineTotals {
    this.#split(this.#decoder.decode());
    if (this.#partial.length > 0) {
      const text = this.#partial.join('');
      this.#partial = [];
      if (text.length > 0) this.#emit(text);
    }
    return { lines: this.#line, bytes: this.#bytes };
  }

  #split(text: string): void {
    let from = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      if (text.length > 0) this.#partial.push(text);
      return;
    }
    if (this.#partial.length > 0) {
      this.#partial.push(text.slice(0, nl));
      const line = this.#partial.join('');
      this.#partial = [];
      this.#emit(line, 1);
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    while (nl >= 0) {
      this.#emit(text.slice(from, nl), 1);
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    if (from < text.length) this.#partial.push(text.slice(from));
  }

  /** Hands on a line whose text may end in the `\r` of a CRLF, followed by `breakLength` characters of line break. */
  #emit(raw: string, breakLength = 0): void {
    const cr = breakLength > 0 && raw.charCodeAt(raw.length - 1) === 13;
    const text = cr ? raw.slice(0, -1) : raw;
    const start = this.#offset;
    this.#offset += raw.length + breakLength;
    this.#onLine(text, this.#line++, start);
  }
}

/** Bytes `[start, end)` of a file. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Reads the lines of bytes `[start, end)` of an open file, in chunks of {@link chunkSize}, handing
 * each to `onLine` with its number and offset counted from the range's start. A range that starts at
 * a line start and ends after a line break (or at the end of the file) holds whole lines, decoded
 * exactly as they are when the whole file is read. A range that ends at `Infinity` reads to the end.
 */
export function readLineRange(fd: number, range: ByteRange, onLine: OnLine): LineTotals {
  const splitter = new LineSplitter(onLine, { atFileStart: range.start === 0 });
  const buffer = Buffer.allocUnsafe(chunkSize);
  // A range without an end is a pipe's or a device's whole input, read from where it stands.
  const seek = Number.isFinite(range.end);
  for (let at = range.start; at < range.end; ) {
    const n = readSync(fd, buffer, 0, Math.min(chunkSize, range.end - at), seek ? at : null);
    if (n === 0) break;
    splitter.push(buffer.subarray(0, n));
    at += n;
  }
  return splitter.end();
}

/**
 * Cuts a file of `size` bytes into ranges of whole lines of about `target` bytes each, in order: each
 * starts at a line start and ends at the first line start at or after `target` bytes on, so a line
 * longer than `target` makes its range longer, never splits. Only the bytes around each cut are read.
 */
export function* lineRanges(fd: number, size: number, target: number): Generator<ByteRange> {
  for (let start = 0; start < size; ) {
    const end = lineStartFrom(fd, Math.min(size, start + Math.max(1, target)), size);
    yield { start, end };
    start = end;
  }
}

/** The first line start at or after `at`: `at` itself when the byte before it is a line break. */
function lineStartFrom(fd: number, at: number, size: number): number {
  const buffer = Buffer.allocUnsafe(4096);
  for (let from = at - 1; from < size; from += buffer.length) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - from), from);
    if (n === 0) break;
    const nl = buffer.subarray(0, n).indexOf(10);
    if (nl >= 0) return from + nl + 1;
  }
  return size;
}

/** The lines of a range and how many of them are records (not blank), as its reader counts them. */
export interface LineCounts {
  readonly lines: number;
  readonly records: number;
}

/**
 * Counts the lines of bytes `range` of an open file, and those that are not blank, as
 * {@link readLineRange} and a reader that skips the lines `isBlank` names count them, without decoding
 * the file: a line that starts with a printable ASCII character is taken as not blank, and only a
 * line that starts otherwise (a space, a byte order mark, a letter beyond ASCII) is decoded to be
 * asked. So a range can be told where it falls in its file before the ranges above it are checked.
 */
export function countLines(fd: number, range: ByteRange, isBlank: (line: string) => boolean): LineCounts {
  const buffer = Buffer.allocUnsafe(chunkSize);
  let lines = 0;
  let records = 0;
  // The line being read: its first byte (-1 before it has one), and its bytes if it is to be decoded.
  let first = -1;
  let kept: Buffer[] = [];
  const add = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    if (first < 0) first = bytes[0];
    if (!printable(first)) kept.push(Buffer.from(bytes));
  };
  const end = () => {
    lines++;
    if (printable(first) || (first >= 0 && !isBlank(Buffer.concat(kept).toString('utf8')))) records++;
    first = -1;
    kept = [];
  };
  for (let at = range.start; at < range.end; ) {
    const n = readSync(fd, buffer, 0, Math.min(chunkSize, range.end - at), at);
    if (n === 0) break;
    at += n;
    let from = 0;
    for (let nl = buffer.indexOf(10, from); nl >= 0 && nl < n; nl = buffer.indexOf(10, from)) {
      add(buffer.subarray(from, nl));
      end();
      from = nl + 1;
    }
    add(buffer.subarray(from, n));
  }
  // A last line without a line break counts unless it is empty, as is a file's byte order mark alone.
  const bom = range.start === 0 && lines === 0 && Buffer.concat(kept).equals(byteOrderMark);
  if (first >= 0 && !bom) end();
  return { lines, records };
}

const byteOrderMark = Buffer.from([0xef, 0xbb, 0xbf]);

function printable(byte: number): boolean {
  return byte > 32 && byte < 127;
}
