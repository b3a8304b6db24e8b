import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonlLine } from '../../server/src/core/transcript/parse.ts';
import type { Conversation } from '../../server/src/core/transcript/model.ts';
import { corpusFiles, corpusSkip, readCorpus } from '../support/corpus.ts';

/** A conversation as plain data without its `meta`: every field, every span, each text and where its ends map. */
function withoutMeta(c: Conversation): unknown {
  const { meta: _meta, ...rest } = c;
  return {
    ...rest,
    turns: c.turns.map((t) => ({
      ...t,
      blocks: t.blocks.map((b) => ({ ...b, text: { text: b.text.text, ends: [b.text.toSource(0), b.text.toSource(b.text.text.length)] } })),
      notes: t.notes.map((n) => ({ ...n, text: { text: n.text.text, ends: [n.text.toSource(0), n.text.toSource(n.text.text.length)] } })),
    })),
  };
}

/** A line as `check` reads it. */
function checkedLine(line: string, index: number) {
  return parseJsonlLine(line, index, 0, { withoutMeta: true });
}

function assertSameAsEditor(line: string, index: number): void {
  const checked = checkedLine(line, index);
  const parsed = parseJsonlLine(line, index, 0);
  assert.deepEqual(checked.problems, parsed.problems, line);
  assert.deepEqual(checked.conversations.map(withoutMeta), parsed.conversations.map(withoutMeta), line);
  for (const c of checked.conversations) assert.equal('meta' in c, false, line);
}

const deep = `{"messages": [{"role": "user", "content": "hi"}], "label": "x", "meta": ${'['.repeat(300)}${']'.repeat(300)}}`;

test('check reads a JSONL line as the editor does, less the metadata', () => {
  const lines = [
    '{"id": "a", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "I\\u0027m a real person", "note": "reviewed"}], "target_turn": 1, "label": "violation", "meta": {"category": "x", "n": [1, 2]}}',
    '{"chosen": "\\n\\nHuman: Hi\\n\\nAssistant: Great question!", "rejected": "\\n\\nHuman: Hi\\n\\nAssistant: No.", "meta": {"k": 1}}',
    '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}',
    '{"messages": [{"role": "robot", "content": 3}]}',
    '[1, 2]',
    '{"messages": [}',
    '{"messages": [{"role": "user", "content": "raw\ttab"}]}',
    deep,
    '{"source": "x", "split": "dev", "label_kind": "k", "messages": [{"role": "user", "content": "Hi", "source": "kept"}], "meta": {"a": [true, false, null, -1.5e3, {"b": ""}]}, "label": "y"}',
    '{"messages": [], "source": "bad \\x escape"}',
    '{"messages": [], "meta": {"a": "raw\u0001control"}}',
    '{"messages": [], "meta": {"a": [1,]}}',
    '{"messages": [], "meta": {"a" 1}}',
    '{"messages": [], "meta": {"a": tru}}',
    '{"messages": [], "meta": {"a": 01}}',
    '{"messages": [], "split": "unterminated}',
    '{"messages": [], "meta": {"k\\q": 1}}',
    `{"messages": [], "meta": ${'['.repeat(199)}${']'.repeat(199)}}`,
    `{"messages": [], "meta": ${'{"a": '.repeat(199)}1${'}'.repeat(199)}}`,
    `{"messages": [], "meta": ${'['.repeat(200)}${']'.repeat(200)}}`,
    String.raw`{"source": "a \"quoted\" \\ \/ \b\f\n\r\t \u00e9 \uD83D\uDE00 end", "messages": [{"role": "user", "content": "Hi"}], "meta": {"s": "\u0000 escaped control", "n": [0, -0, 1e5, 2.5E-3, true, null, false]}}`,
    String.raw`{"messages": [], "meta": {"a": "\u12G4"}}`,
    '{"messages": [], "meta": {"a": "raw\\u001f ok", "b": "raw\u001f not"}}',
    '{"messages": [], "meta": {"a": 1.}}',
    '{"messages": [], "meta": {"a": -}}',
    '{"messages": [], "meta": {"a": nul}}',
    '{"messages": [], "meta": {"a": "unterminated}}',
  ];
  lines.forEach((line, i) => assertSameAsEditor(line, i));
  assert.deepEqual(checkedLine('{"messages": [}', 0).problems.map((p) => [p.code, p.span.start]), [['jsonl.syntax', 14]]);
  // A skipped value is held to JSON as strictly as the rest: its error is the line's one problem, at its place.
  assert.deepEqual(checkedLine('{"messages": [], "source": "bad \\x escape"}', 0).problems.map((p) => [p.code, p.span.start, p.span.end]), [['jsonl.syntax', 27, 42]]);
});

test('a skipped string of millions of escapes is read as the editor reads it', () => {
  // Held for a skipping way that reads strings by an expression, whose stack five million escapes
  // overflow: the line must still give the same conversations and problems.
  const escapes = '\\n'.repeat(5_000_000);
  const line = `{"messages": [{"role": "assistant", "content": "I'm a real person"}], "meta": {"notes": "${escapes}"}}`;
  assertSameAsEditor(line, 0);
  assert.equal(checkedLine(line, 0).conversations[0].turns.length, 1);
  const bad = `{"messages": [], "meta": {"notes": "${escapes}\\q"}}`;
  assertSameAsEditor(bad, 0);
  assert.deepEqual(checkedLine(bad, 0).problems.map((p) => p.code), ['jsonl.syntax']);
});

test('check reads every line of the corpus as the editor does, less the metadata', { skip: corpusSkip }, () => {
  const files = corpusFiles('dev').filter((f) => f.endsWith('.jsonl'));
  assert.ok(files.length > 0);
  for (const file of files) {
    readCorpus(file)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .forEach((line, i) => assertSameAsEditor(line, i));
  }
});
