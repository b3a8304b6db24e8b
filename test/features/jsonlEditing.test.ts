import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Position } from 'vscode-languageserver-types';
import { fileDiagnostics } from '../../server/src/core/features/fileDiagnostics.ts';
import { LineIndex } from '../../server/src/core/text.ts';
import { WorkspaceIndex, type TextChange } from '../../server/src/core/workspace/index.ts';
import { randomFrom } from '../support/random.ts';
import { openTranscript, uriOf } from './workspace.ts';

const uri = uriOf('data/chats.jsonl');

/** Line `i` of the dataset: most lines flag, some cite, some are reviewed, some are broken. */
function record(i: number): string {
  if (i % 97 === 13) return `{"messages": [{"role": "user", "content": "line ${i}"},`;
  const note = i % 5 === 0 ? `, "note": "see [[honesty]] and [[honsty]]${i % 10 === 0 ? '\\nreviewed claims-human: role-play' : ''}"` : '';
  return `{"messages": [{"role": "user", "content": "Who are you? ${i}"}, {"role": "assistant", "content": "Well, I am a person, I think \\u00e9 ${i}."${note}}]}`;
}

function dataset(lines: number): string {
  return `${Array.from({ length: lines }, (_, i) => record(i)).join('\n')}\n`;
}

function openIndex(text: string) {
  return openTranscript(uri, text);
}

/** Everything the features read of a transcript, in plain data. */
function snapshot(index: WorkspaceIndex) {
  const file = index.get(uri)!;
  const lines = file.lines;
  return {
    diagnostics: fileDiagnostics(index, uri),
    findings: index.findings(uri),
    problems: index.transcriptProblems(uri),
    citations: index.citations(uri),
    lineStarts: Array.from({ length: lines.lineCount }, (_, i) => lines.lineStart(i)),
    conversations: file.transcript!.conversations.map((c) => ({
      index: c.index,
      span: c.span,
      format: c.format,
      turns: c.turns.map((t) => ({ span: t.span, roleSpan: t.roleSpan, blocks: t.blocks.map((b) => [b.span, b.text.text, b.text.toSource(b.text.text.length)]) })),
    })),
    format: file.transcript!.format,
  };
}

/** Applies LSP changes the way the editor's document does, one after the other. */
function applyChanges(text: string, changes: readonly TextChange[]): string {
  for (const change of changes) {
    const lines = new LineIndex(text);
    const start = lines.offsetAt(change.range!.start);
    const end = lines.offsetAt(change.range!.end);
    text = text.slice(0, start) + change.text + text.slice(end);
  }
  return text;
}

function at(line: number, character: number): Position {
  return { line, character };
}

/** Edits the open transcript and checks that it reads as a fresh index reads the new text. */
function editAndCompare(text: string, changes: TextChange[]) {
  const opened = openIndex(text);
  snapshot(opened.index);
  opened.parsed.length = 0;
  opened.checked.length = 0;
  const next = applyChanges(text, changes);
  opened.index.upsert(uri, next, 2, 'open', changes);
  const edited = snapshot(opened.index);
  const fresh = snapshot(openIndex(next).index);
  assert.deepEqual(edited, fresh);
  return { parsed: [...opened.parsed], checked: [...opened.checked], edited };
}

const text = dataset(2000);

test('the dataset has flags, reviewed flags, citations and broken lines to keep in step', () => {
  const { index } = openIndex(text);
  const s = snapshot(index);
  assert.equal(s.findings.length, 1979);
  assert.equal(s.findings.filter((f) => f.reviewed).length, 198);
  assert.equal(s.problems.length, 21);
  assert.equal(s.citations.length, 792);
  assert.deepEqual(s.diagnostics.filter((d) => d.code === 'transcript.unknown-citation').length, 396);
});

test('a one-character edit in the middle of a 2,000-line JSONL parses and checks that line alone', () => {
  const character = record(1000).indexOf('I am') + 2;
  const { parsed, checked, edited } = editAndCompare(text, [{ range: { start: at(1000, character), end: at(1000, character) }, text: 'x' }]);
  assert.deepEqual(parsed, [1000]);
  assert.deepEqual(checked, [1000]);
  const flag = edited.diagnostics.find((d) => d.code === 'claims-human' && d.range.start.line === 1001)!;
  assert.deepEqual(flag.range, { start: at(1001, record(1001).indexOf('I am')), end: at(1001, record(1001).indexOf('I am') + 'I am a person'.length) });
  // The edit breaks the phrase on its own line, so that line's flag is gone.
  assert.equal(edited.diagnostics.some((d) => d.code === 'claims-human' && d.range.start.line === 1000), false);
});

test('a newline typed in a line splits it into two lines, and every later range moves down one line', () => {
  const character = record(700).indexOf('{"role": "assistant"');
  const { parsed, checked, edited } = editAndCompare(text, [{ range: { start: at(700, character), end: at(700, character) }, text: '\n' }]);
  assert.deepEqual(parsed, [700, 701]);
  assert.deepEqual(checked, []);
  const syntax = edited.diagnostics.filter((d) => d.code === 'jsonl.syntax' && d.range.start.line >= 700 && d.range.start.line <= 702);
  assert.deepEqual(syntax.map((d) => d.range.start.line), [700, 701]);
  // Record 1801 is now on line 1802 and is the 1802nd non-blank line, which its flag's data says.
  const later = edited.diagnostics.find((d) => d.code === 'claims-human' && d.range.start.line === 1802)!;
  assert.equal((later.data as { conversation: number }).conversation, 1802);
});

test('deleting the line break between two lines joins them into one broken line', () => {
  const end = record(500).length;
  const { parsed, edited } = editAndCompare(text, [{ range: { start: at(500, end), end: at(501, 0) }, text: '' }]);
  assert.deepEqual(parsed, [500]);
  assert.equal(edited.lineStarts.length, 2000);
});

test('a line added at the end of the file is parsed and checked alone', () => {
  const { parsed, checked, edited } = editAndCompare(text, [{ range: { start: at(2000, 0), end: at(2000, 0) }, text: `${record(3)}\n` }]);
  assert.deepEqual(parsed, [2000]);
  assert.deepEqual(checked, [2000]);
  assert.equal(edited.diagnostics.filter((d) => d.code === 'claims-human' && d.range.start.line === 2000).length, 1);
});

test('several changes in one edit apply in order, each in the text the one before left', () => {
  const a = record(10).indexOf('I am');
  const { parsed, checked } = editAndCompare(text, [
    { range: { start: at(10, a), end: at(10, a + 4) }, text: 'I am,\r\nyes, I am' },
    { range: { start: at(1500, 0), end: at(1500, 1) }, text: '' },
    { range: { start: at(13, 0), end: at(13, 0) }, text: '[' },
  ]);
  // The second change's line 1500 is record 1499, since the first change added a line before it.
  // The lines the changes left are parsed once each, in file order, after the last change.
  assert.deepEqual(parsed, [10, 11, 13, 1500]);
  assert.deepEqual(checked, []);
});

test('fixing a broken line brings its conversation and its flag, and renumbers nothing else', () => {
  const line = 13;
  const { parsed, checked, edited } = editAndCompare(text, [
    { range: { start: at(line, record(line).length - 1), end: at(line, record(line).length) }, text: ', {"role": "assistant", "content": "I am a person"}]}' },
  ]);
  assert.deepEqual(parsed, [13]);
  assert.deepEqual(checked, [13]);
  assert.equal(edited.diagnostics.filter((d) => d.range.start.line === 13).map((d) => d.code).join(), 'claims-human');
});

test('an edit that leaves one line reads the file as JSON again, as a fresh parse does', () => {
  const small = `${record(1)}\n${record(2)}\n`;
  editAndCompare(small, [{ range: { start: at(1, 0), end: at(2, 0) }, text: '' }]);
});

test('LineIndex.edited gives the index a scan of the new text gives, for edits around line breaks', () => {
  const pieces = ['a', 'bc', '\n', '\r', '\r\n', 'é', ''];
  const random = randomFrom(7);
  let text = 'ab\r\ncd\re\n\nfg\r';
  let lines = new LineIndex(text);
  for (let round = 0; round < 3000; round++) {
    const start = random(text.length + 1);
    const end = Math.min(text.length, start + random(4));
    const inserted = pieces[random(pieces.length)] + pieces[random(pieces.length)];
    const next = text.slice(0, start) + inserted + text.slice(end);
    lines = LineIndex.edited(lines, next, { start, end, insertedLength: inserted.length });
    const fresh = new LineIndex(next);
    const starts = (l: LineIndex) => Array.from({ length: l.lineCount }, (_, i) => l.lineStart(i));
    assert.deepEqual(starts(lines), starts(fresh), `after replacing [${start}, ${end}) of ${JSON.stringify(text)} with ${JSON.stringify(inserted)}`);
    text = next.length > 40 ? next.slice(0, 20) : next;
    if (text !== next) lines = new LineIndex(text);
  }
});
