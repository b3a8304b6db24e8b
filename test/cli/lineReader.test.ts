import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { LineSplitter, readLines } from '../../server/src/lineReader.ts';

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

test('readLines reads a stream to its end and waits on afterChunk between chunks', async () => {
  const events: string[] = [];
  const input = Readable.from([Buffer.from('a\nb'), Buffer.from('c\n'), Buffer.from('d')]);
  const totals = await readLines(
    input,
    (text, line) => events.push(`line ${line} ${text}`),
    () => {
      events.push('chunk');
      return new Promise<void>((resolve) => setImmediate(() => {
        events.push('drained');
        resolve();
      }));
    },
  );
  assert.deepEqual(events, ['line 0 a', 'chunk', 'drained', 'line 1 bc', 'chunk', 'drained', 'chunk', 'drained', 'line 2 d']);
  assert.deepEqual(totals, { lines: 3, bytes: 6 });
});
