import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeText } from '../../server/src/core/text.ts';
import { countLines, LineSplitter, lineRanges, readLineRange, type ByteRange } from '../../server/src/cli/lineReader.ts';
import { isBlankLine } from '../../server/src/core/transcript/jsonl.ts';

type Line = [text: string, line: number, start: number];

/** Splits `chunks` in order and gives every line with its number and start, and the totals. */
function split(chunks: readonly (string | Uint8Array)[]): { lines: Line[]; totals: { lines: number; bytes: number } } {
  const lines: Line[] = [];
  const splitter = new LineSplitter((text, line, start) => lines.push([text, line, start]));
  for (const c of chunks) splitter.push(c);
  return { lines, totals: splitter.end() };
}

/** Every way of cutting `bytes` in two, so that each place a chunk can end is tried. */
function everyCut(bytes: Buffer): Buffer[][] {
  const cuts: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) cuts.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return cuts;
}

test('LF lines come with their numbers and UTF-16 start offsets', () => {
  assert.deepEqual(split(['ab\ncd\n']).lines, [
    ['ab', 0, 0],
    ['cd', 1, 3],
  ]);
});

test('a CR before LF is dropped from the line but counted in the next line’s offset', () => {
  assert.deepEqual(split(['a\r\nbc\r\nd']).lines, [
    ['a', 0, 0],
    ['bc', 1, 3],
    ['d', 2, 7],
  ]);
  assert.deepEqual(split(['a\r', '\nb\r', '\n']).lines, [
    ['a', 0, 0],
    ['b', 1, 3],
  ]);
});

test('a CR that is not before LF stays in the line', () => {
  assert.deepEqual(split(['a\rb\nc\r']).lines, [
    ['a\rb', 0, 0],
    ['c\r', 1, 4],
  ]);
});

test('a line cut across chunks, even across many, is handed on whole and once', () => {
  assert.deepEqual(split(['{"a"', ':', '1}\n{"b"', ':2}\n']).lines, [
    ['{"a":1}', 0, 0],
    ['{"b":2}', 1, 8],
  ]);
  assert.deepEqual(split(['', 'x', '', '\n', '']).lines, [['x', 0, 0]]);
});

test('a UTF-8 character cut between chunks at any byte is decoded whole, with exact offsets', () => {
  const text = 'é€😀\nx😀y\n';
  const bytes = Buffer.from(text);
  for (const chunks of everyCut(bytes)) {
    assert.deepEqual(
      split(chunks),
      {
        lines: [
          ['é€😀', 0, 0],
          ['x😀y', 1, 5],
        ],
        totals: { lines: 2, bytes: bytes.length },
      },
      `cut at ${chunks[0].length}`,
    );
  }
});

test('every chunking of a text gives what splitting it whole gives', () => {
  const text = '{"m":"ä"}\r\n\n  \n{"n":"😀"}\nlast';
  const bytes = Buffer.from(text);
  const whole = split([bytes]);
  assert.deepEqual(
    whole.lines.map((l) => l[0]),
    ['{"m":"ä"}', '', '  ', '{"n":"😀"}', 'last'],
  );
  for (let size = 1; size <= bytes.length; size++) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    assert.deepEqual(split(chunks), whole, `chunks of ${size} bytes`);
  }
});

test('a final line without a line break counts; an empty tail after the last break does not', () => {
  assert.deepEqual(split(['a\nb']), { lines: [['a', 0, 0], ['b', 1, 2]], totals: { lines: 2, bytes: 3 } });
  assert.deepEqual(split(['a\n']), { lines: [['a', 0, 0]], totals: { lines: 1, bytes: 2 } });
  assert.deepEqual(split([]), { lines: [], totals: { lines: 0, bytes: 0 } });
});

test('blank lines are handed on with their numbers, so the lines after them keep theirs', () => {
  assert.deepEqual(split(['a\n\n\r\nb\n']).lines, [
    ['a', 0, 0],
    ['', 1, 2],
    ['', 2, 3],
    ['b', 3, 5],
  ]);
});

test('a UTF-8 byte order mark is not part of the first line, even when cut between chunks', () => {
  const bytes = Buffer.from('\ufeff{"a":1}\n');
  for (const chunks of everyCut(bytes)) {
    assert.deepEqual(split(chunks), { lines: [['{"a":1}', 0, 0]], totals: { lines: 1, bytes: bytes.length } });
  }
  assert.deepEqual(split(['x\n\ufeffy\n']).lines, [
    ['x', 0, 0],
    ['\ufeffy', 1, 2],
  ]);
});

test('only the first of two byte order marks is dropped: the second is a character of the first line, from bytes, a string or a whole file', () => {
  const text = '\ufeff\ufeff{"a":1}\n';
  const bytes = Buffer.from(text);
  for (const chunks of [...everyCut(bytes), [text]]) {
    assert.deepEqual(split(chunks).lines, [['\ufeff{"a":1}', 0, 0]]);
  }
  // A file read whole loses the same one.
  assert.equal(decodeText(bytes, 'two-marks.jsonl'), '\ufeff{"a":1}\n');
  assert.equal(decodeText(Buffer.from('\ufeff{}'), 'one-mark.json'), '{}');
});

/** A temporary file holding `bytes`, open for reading, and its lines as the splitter gives them read whole. */
function openFile(bytes: Buffer): { fd: number; whole: Line[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'lens-lines-')), 'lines.jsonl');
  writeFileSync(path, bytes);
  return { fd: openSync(path, 'r'), whole: split([bytes]).lines };
}

/** The lines of every range, numbered on through the file as `check` numbers them, and the bytes read. */
function readRanges(fd: number, ranges: readonly ByteRange[]): { lines: [text: string, line: number][]; bytes: number } {
  const lines: [string, number][] = [];
  let before = 0;
  let bytes = 0;
  for (const range of ranges) {
    const totals = readLineRange(fd, range, (text, line) => lines.push([text, before + line]));
    before += totals.lines;
    bytes += totals.bytes;
  }
  return { lines, bytes };
}

test('lineRanges cuts a file into ranges of whole lines that read, one after another, exactly as the whole file', () => {
  const text = ['\ufeff{"a":"é"}', '', '{"b":"😀😀😀"}\r', 'x'.repeat(5000), 'ü', '\ufeffmid-file mark', 'last without a break'].join('\n');
  const bytes = Buffer.from(text);
  const { fd, whole } = openFile(bytes);
  try {
    for (const target of [1, 2, 3, 7, 64, 4096, 1 << 20]) {
      const ranges = [...lineRanges(fd, bytes.length, target)];
      assert.equal(ranges[0].start, 0);
      assert.equal(ranges[ranges.length - 1].end, bytes.length);
      for (let i = 0; i < ranges.length; i++) {
        const { start, end } = ranges[i];
        assert.ok(end > start, `range ${i} is not empty at target ${target}`);
        if (i > 0) assert.equal(start, ranges[i - 1].end);
        if (start > 0) assert.equal(bytes[start - 1], 10, `range ${i} starts at a line start at target ${target}`);
      }
      const read = readRanges(fd, ranges);
      assert.deepEqual(read.lines, whole.map(([t, n]) => [t, n]), `target ${target}`);
      assert.equal(read.bytes, bytes.length);
    }
    // A line longer than the target is never split: its range grows to hold it.
    const long = [...lineRanges(fd, bytes.length, 100)].find((r) => r.end - r.start > 5000);
    assert.ok(long);
  } finally {
    closeSync(fd);
  }
});

test('a U+FEFF that starts a later range is part of its line, as it is when the file is read whole', () => {
  const bytes = Buffer.from('a\n\ufeffb\n');
  const { fd } = openFile(bytes);
  try {
    const lines: string[] = [];
    readLineRange(fd, { start: 2, end: bytes.length }, (text) => lines.push(text));
    assert.deepEqual(lines, ['\ufeffb']);
  } finally {
    closeSync(fd);
  }
});

test('readLineRange reads a range without an end from where a pipe stands', () => {
  const { fd } = openFile(Buffer.from('one\ntwo'));
  try {
    const lines: string[] = [];
    const totals = readLineRange(fd, { start: 0, end: Infinity }, (text) => lines.push(text));
    assert.deepEqual(lines, ['one', 'two']);
    assert.deepEqual(totals, { lines: 2, bytes: 7 });
  } finally {
    closeSync(fd);
  }
});

test('countLines counts the lines and records of a range as reading it and skipping blank lines does', () => {
  const texts = [
    ['\ufeff{"a":"é"}', '', '   ', '\t{"b":1}\r', ' \u00a0\u3000', '\u00a0x', 'ü', '\ufeff', '\ufeffmid-file mark', `  ${'x'.repeat(70_000)}`, `${' '.repeat(70_000)}`, '{"c":"😀"}', 'last without a break'].join('\n'),
    '\ufeff',
    '\ufeff\n',
    '\ufeff\r',
    'a\r\n\r\n\r',
    '\n\n{}\n',
    '  \n',
    '\u2028',
    '',
  ];
  for (const text of texts) {
    const bytes = Buffer.from(text);
    const { fd } = openFile(bytes);
    try {
      for (const target of [1, 5, 64, 100_000]) {
        for (const range of lineRanges(fd, bytes.length, target)) {
          let lines = 0;
          let records = 0;
          readLineRange(fd, range, (line) => {
            lines++;
            if (!isBlankLine(line)) records++;
          });
          assert.deepEqual(countLines(fd, range, isBlankLine), { lines, records }, `${JSON.stringify(text.slice(0, 40))}, ${range.start}-${range.end}`);
        }
      }
    } finally {
      closeSync(fd);
    }
  }
});
