import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineText } from '../../server/src/core/lineText.ts';
import { LineIndex } from '../../server/src/core/text.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import { JsonlLines } from '../../server/src/core/workspace/jsonlLines.ts';
import type { Conversation } from '../../server/src/core/transcript/model.ts';
import { randomFrom } from '../support/random.ts';


function starts(lines: LineIndex): number[] {
  return Array.from({ length: lines.lineCount }, (_, i) => lines.lineStart(i));
}

test('LineIndex finds the line starts of every kind of break with its searches', () => {
  for (const [text, expected] of [
    ['', [0]],
    ['a\nb', [0, 2]],
    ['a\r\nb\rc\n', [0, 3, 5, 7]],
    ['\r\r\n\n\r', [0, 1, 3, 4, 5]],
    ['ab\rcd\ref\n', [0, 3, 6, 9]],
  ] as const) {
    assert.deepEqual(starts(new LineIndex(text)), expected, JSON.stringify(text));
  }
});

test('random edits give the same text, lines, slices and line index as a plain string, and the same offsets as the editor’s document', () => {
  const pieces = ['a', 'bc', '\n', '\r', '\r\n', 'é', '', '{"x": 1}', '\n\n'];
  for (const seed of [1, 2, 3]) {
    const random = randomFrom(seed);
    let text = seed === 1 ? 'ab\ncd\n\nfg' : seed === 2 ? 'ab\r\ncd\re\n\nfg\r' : '';
    let content = LineText.of(text);
    let document = TextDocument.create('file:///a.txt', 'plaintext', 1, text);
    for (let round = 0; round < 1500; round++) {
      const lines = new LineIndex(text);
      const line = random(lines.lineCount + 1);
      const range = {
        start: { line, character: random(6) },
        end: { line: line + random(2), character: random(6) },
      };
      const change = { range, text: pieces[random(pieces.length)] + pieces[random(pieces.length)] };
      // Half the rounds read the line index first, so that both ways of deriving it are tried.
      if (round % 2 === 0) void content.lineIndex;
      assert.equal(content.offsetAt(range.start), document.offsetAt(range.start));
      document = TextDocument.update(document, [change], round + 2);
      content = content.applyChanges([change]);
      text = document.getText();
      assert.equal(content.length, text.length);
      assert.deepEqual(starts(content.lineIndex), starts(new LineIndex(text)), `seed ${seed}, round ${round}`);
      const a = random(text.length + 1);
      const b = a + random(12);
      assert.equal(content.slice(a, b), text.slice(a, b));
      assert.equal(content.charCodeAt(a), text.charCodeAt(a));
      if (round % 50 === 0) assert.equal(content.text, text);
    }
    assert.equal(content.text, text);
    assert.deepEqual(
      Array.from({ length: content.lineCount }, (_, i) => [content.lineStart(i), content.line(i)]),
      text.split('\n').map((l, i, all) => [all.slice(0, i).reduce((n, x) => n + x.length + 1, 0), l]),
    );
  }
});

test('several changes in one event keep one origin, naming the text they were applied to', () => {
  const content = LineText.of('a\nb\nc\n');
  const next = content.applyChanges([
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: 'B\nB' },
    { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 1 } }, text: '' },
  ]);
  assert.equal(next.text, 'a\nB\nB\n\n');
  assert.deepEqual(next.origin, { from: content.id, edits: [{ first: 1, removed: 1, added: 2 }, { first: 3, removed: 1, added: 1 }] });
  const replaced = next.applyChanges([{ text: 'x\ny' }]);
  assert.equal(replaced.origin, undefined);
  assert.equal(replaced.text, 'x\ny');
});

function record(i: number): string {
  if (i % 9 === 4) return `{"messages": [{"role": "user", "content": "line ${i}"},`;
  return `{"messages": [{"role": "user", "content": "Who? ${i}"}, {"role": "assistant", "content": "I am \\u00e9 ${i}."}]}`;
}

/** Conversations as data: every field, and where each block's decoded text ends in the source. */
function plain(conversations: readonly Conversation[]): unknown {
  const ends = conversations.map((c) => c.turns.map((t) => t.blocks.map((b) => b.text.toSource(b.text.text.length))));
  // A block's text as its decoded string, whether or not the text object has decoded and kept it yet.
  const decoded = (key: string, value: unknown) => (key === 'text' && value !== null && typeof value === 'object' ? (value as { text: string }).text : value);
  return [JSON.parse(JSON.stringify(conversations, decoded)), ends];
}

test('a JSONL file that follows random edits of its lines holds what a fresh parse of the text holds, and parses only the replaced lines', () => {
  const random = randomFrom(11);
  const pieces = ['x', '\n', '', '"', record(3), `${record(5)}\n`, '\r\n', ' '];
  let content = LineText.of(`${Array.from({ length: 30 }, (_, i) => record(i)).join('\n')}\n`);
  const parsed: number[] = [];
  const open = (text: LineText) => {
    const lines = JsonlLines.open(text, 'edited.jsonl', { onParseLine: (l) => parsed.push(l) });
    assert.ok(lines, 'a .jsonl file without NUL characters is read line by line');
    return lines;
  };
  let lines = open(content);
  lines.transcript();
  let followed = 0;
  for (let round = 0; round < 300; round++) {
    const line = random(content.lineCount);
    const character = random(content.line(line).length + 1);
    const range = { start: { line, character }, end: { line: line + random(2), character: random(40) } };
    parsed.length = 0;
    const next = content.applyChanges([{ range, text: pieces[random(pieces.length)] }]);
    if (lines.apply(next, 'edited.jsonl')) {
      followed++;
      const replaced = next.origin!.edits[0];
      const transcript = lines.transcript();
      assert.ok(parsed.every((l) => l >= replaced.first && l < replaced.first + replaced.added), `round ${round}: parsed ${parsed}`);
      // The whole file read by the plain reader, which reads no line by line, is the reference.
      const fresh = parseTranscript(next.text, 'edited.jsonl');
      assert.deepEqual(plain(transcript.conversations), plain(fresh.conversations), `round ${round}`);
      assert.deepEqual(transcript.problems, fresh.problems, `round ${round}`);
      assert.deepEqual(lines.problems(), fresh.problems, `round ${round}`);
    } else {
      lines = open(next);
    }
    content = next;
  }
  assert.ok(followed > 250, `${followed} of 300 edits were followed line by line`);
});
