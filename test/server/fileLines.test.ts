/**
 * The server reads a dataset on disk line by line (`fileLines`), a chunk of bytes at a time. Each
 * line is decoded from its own bytes, so where the chunks end must not show: a line that spans
 * chunks, a character whose bytes two chunks share, a `\n` at a chunk's last byte, a byte order
 * mark, `\r\n` and a lone `\r` all give the lines that the whole file decoded and split at `\n` gives.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeText } from '../../server/src/core/text.ts';
import { fileLines } from '../../server/src/lsp/workspaceFiles.ts';
import { randomFrom } from '../support/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'constitution-lens-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** How many bytes `fileLines` reads at a time; the texts below cross that boundary many times. */
const chunk = 1 << 16;

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** What the whole file gives, decoded at once and split at `\n`. */
function expected(path: string, bytes: Buffer): string[] {
  return decodeText(bytes, path).split('\n');
}

test('lines read a chunk at a time are the lines of the whole file, whatever falls on a chunk boundary', () => {
  const random = randomFrom(22);
  // One, two, three and four bytes in UTF-8, and line ends of every kind.
  const pieces = ['a', 'word ', 'é', '’', '中文', '😀', '\r\n', '\n', '\r', '"{\\"k\\": 1}"'];
  for (let round = 0; round < 6; round++) {
    const parts: string[] = round % 2 === 0 ? ['\ufeff'] : [];
    let size = 0;
    while (size < 3 * chunk + random(chunk)) {
      // Now and then a line longer than a chunk.
      const piece = random(40) === 0 ? 'x'.repeat(chunk + random(500)) : pieces[random(pieces.length)];
      parts.push(piece);
      size += Buffer.byteLength(piece);
    }
    const bytes = Buffer.from(parts.join(''), 'utf8');
    const path = write(`random-${round}.jsonl`, bytes);
    assert.deepEqual([...fileLines(path)], expected(path, bytes), `round ${round}`);
  }
});

test('a character split between two chunks, and a line end on a chunk’s last byte, are read whole', () => {
  // The last byte of the first chunk is the first of a four-byte character.
  const split = Buffer.concat([Buffer.from('y'.repeat(chunk - 1)), Buffer.from('😀 tail\nnext\n', 'utf8')]);
  const splitPath = write('split.jsonl', split);
  assert.deepEqual([...fileLines(splitPath)], expected(splitPath, split));
  assert.ok([...fileLines(splitPath)][0].endsWith('😀 tail'));

  // The first chunk ends with `\n`, and the next line starts the next chunk.
  const edge = Buffer.from(`${'z'.repeat(chunk - 1)}\nsecond\r\nthird`, 'utf8');
  const edgePath = write('edge.jsonl', edge);
  assert.deepEqual([...fileLines(edgePath)], ['z'.repeat(chunk - 1), 'second\r', 'third']);
});

test('an empty file is one empty line, and a file that ends with a line end has an empty last line', () => {
  assert.deepEqual([...fileLines(write('empty.jsonl', ''))], ['']);
  assert.deepEqual([...fileLines(write('ends.jsonl', '{"a":1}\n{"b":2}\n'))], ['{"a":1}', '{"b":2}', '']);
});

test('bytes that are not UTF-8 end the walk with an error rather than read as something else', () => {
  const bad = Buffer.concat([Buffer.from('{"ok": 1}\n{"bad": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
  const path = write('bad.jsonl', bad);
  assert.throws(() => [...fileLines(path)]);
  // A character cut off at the end of the file is not UTF-8 either.
  const cut = write('cut.jsonl', Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xe2, 0x80])]));
  assert.throws(() => [...fileLines(cut)]);
});
