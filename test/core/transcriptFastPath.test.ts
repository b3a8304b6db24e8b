import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree, type Node } from 'jsonc-parser';
import { scanJson } from '../../server/src/core/transcript/jsonScan.ts';
import { parseJsonFile, parseJsonFileWithJsonc, parseJsonlLine, parseJsonlLineWithJsonc } from '../../server/src/core/transcript/parse.ts';
import type { Conversation, Transcript } from '../../server/src/core/transcript/model.ts';
import type { MappedText, Span } from '../../server/src/core/text.ts';
import { corpusFiles, corpusSkip, readCorpus } from '../support/corpus.ts';

const at = (source: string, s: Span | undefined) => (s ? source.slice(s.start, s.end) : undefined);

/** The fields of a jsonc-parser node, recursively, without the parent links. */
function shape(node: Node | undefined): unknown {
  if (!node) return undefined;
  return {
    type: node.type,
    offset: node.offset,
    length: node.length,
    value: node.value,
    colonOffset: node.colonOffset,
    children: node.children?.map(shape),
  };
}

/** The decoded offsets at which two mapped texts are compared: all of a short text, a spread of a long one. */
function sampleOffsets(length: number): number[] {
  if (length <= 200) return Array.from({ length: length + 1 }, (_, i) => i);
  const out = [0, 1, length - 1, length];
  for (let k = 1; k < 40; k++) out.push(Math.floor((length * k) / 40));
  return out;
}

function mapped(m: MappedText): unknown {
  return { text: m.text, toSource: sampleOffsets(m.text.length).map((o) => m.toSource(o)) };
}

/** A conversation as plain data: every field, every span, and each text with its mapping at sampled offsets. */
function plain(c: Conversation): unknown {
  return {
    ...c,
    turns: c.turns.map((t) => ({
      ...t,
      blocks: t.blocks.map((b) => ({ ...b, text: mapped(b.text) })),
      notes: t.notes.map((n) => ({ ...n, text: mapped(n.text) })),
    })),
  };
}

function plainTranscript(t: Transcript): unknown {
  return { ...t, conversations: t.conversations.map(plain) };
}

/** Texts `JSON.parse` accepts, with the cases where JavaScript's objects differ from the source's order. */
const valid = [
  '{}',
  '[]',
  ' \t{ "a" : [ 1 , -2.5e+3 , true , false , null , "x" ] } \r\n',
  '{"0": "zero", "b": 1, "12": "twelve", "a": {"1": [], "z": {}}}',
  '{"k": 1, "k": 2, "k": "three"}',
  String.raw`{"q": "say \"hi\"", "b": "a\\", "c": "a\\\\", "d": "\\\"", "e": "\u0022", "f": "\ud83d\ude00 and \ud83d", "g": "\/\b\f\n\r\t"}`,
  String.raw`{"con\u0074ent": "escaped key", "": "empty key"}`,
  '"just a string"',
  '0',
  '-0.0e-0',
  '[[[["deep"]]]]',
  '{"emoji": "😀 é", "tab": "a\\tb"}',
  '{"__proto__": {"x": 1}, "a": [{"b": null}, 2, "c"], "a": "later"}',
];

/** Texts `JSON.parse` rejects: each must leave the scanner and go to jsonc-parser. */
const invalid = [
  '',
  ' ',
  '{',
  '{"a": 1,}',
  '[1,]',
  '[1 2]',
  '{"a" 1}',
  '{a: 1}',
  "{'a': 1}",
  '// c\n{}',
  '{} /* c */',
  '"raw\ttab"',
  '"raw\u0001"',
  '"bad \\x escape"',
  '"bad \\u12 escape"',
  '"unterminated',
  '"ends in escaped quote\\"',
  '01',
  '1.',
  '.5',
  '+1',
  '1e',
  '-',
  'NaN',
  'tru',
  'nul',
  '{} {}',
  '\ufeff{}',
  '{"a": 1}x',
];

test('scanJson accepts exactly what JSON.parse accepts, and gives the nodes parseTree gives', () => {
  for (const text of valid) {
    JSON.parse(text);
    const scanned = scanJson(text);
    assert.ok(scanned, `scanned: ${text}`);
    assert.deepEqual(shape(scanned), shape(parseTree(text)), text);
  }
  for (const text of invalid) {
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.equal(scanJson(text), undefined, text);
  }
});

test('a skipped value is held to JSON.parse as strictly as a read one, at the same depths', () => {
  const skip = ['meta'];
  for (const value of valid) {
    const text = `{"meta": ${value}, "id": "x"}`;
    JSON.parse(text);
    const scanned = scanJson(text, skip);
    assert.ok(scanned, text);
    assert.deepEqual(scanned.children?.map((p) => p.key), ['id'], text);
    assert.equal(scanned.length, text.length, text);
  }
  for (const value of [...invalid, '[1}', '{"a": 1]', '[{"a": []]}', '{"a": {"b": 1]}', '[1, ]', '{"a": 1 "b": 2}']) {
    const text = `{"meta": ${value}, "id": "x"}`;
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.equal(scanJson(text, skip), undefined, text);
  }
  // Nesting is counted from the root, as it is for a value that is read.
  const nested = (n: number) => `{"meta": ${'['.repeat(n)}${']'.repeat(n)}}`;
  const deepest = Array.from({ length: 300 }, (_, n) => n).filter((n) => scanJson(nested(n)) !== undefined).pop();
  assert.ok(deepest !== undefined && deepest > 100 && deepest < 300);
  assert.ok(scanJson(nested(deepest), skip));
  assert.equal(scanJson(nested(deepest + 1), skip), undefined);
});

test('scanJson leaves very deep nesting to jsonc-parser, and such a line is still read', () => {
  const deep = '['.repeat(1000) + ']'.repeat(1000);
  assert.equal(scanJson(deep), undefined);
  const line = `{"messages": [{"role": "user", "content": "hi"}], "x": ${deep}}`;
  const read = parseJsonlLine(line, 0, 0);
  assert.deepEqual(read.problems, []);
  assert.equal(at(line, read.conversations[0].turns[0].blocks[0].span), 'hi');
});

/** Lines that exercise what the fast way must get exactly right; each is read both ways and compared. */
const lines = [
  // Integer-like keys come first in a JavaScript object, but the source order is what counts.
  String.raw`{"0": "first", "messages": [{"12": 1, "role": "user", "content": "Q \"quoted\""}, {"1": [], "role": "assistant", "content": "A"}], "7": {"x": "y"}}`,
  // Duplicate keys: the first one is read, as jsonc-parser's tree gives it.
  String.raw`{"messages": [{"role": "user", "content": "one", "content": "two"}], "messages": [{"role": "assistant", "content": "three"}], "id": "a", "id": "b"}`,
  // Backslashes before quotes, a quote written as \u0022, a surrogate pair and a lone surrogate.
  String.raw`{"messages": [{"role": "user", "content": "a\\"}, {"role": "assistant", "content": "b\\\\", "note": "c\\\" [[d\\]] \u0022[[honesty]]\u0022"}, {"role": "user", "content": "\ud83d\ude00 x \uD83D y [[ok]]"}]}`,
  // Escaped keys and an escaped role.
  String.raw`{"m\u0065ssages": [{"r\u006fle": "\u0061ssistant", "content": [{"type": "text", "text": "t\n[[a#b]]"}]}], "label": "ok", "target_turn": 0, "meta": {"k": "\u00e9", "n": [1, 2.5]}}`,
  // Anthropic blocks, tool uses and OpenAI tool calls.
  String.raw`{"system": [{"type": "text", "text": "sys"}], "messages": [{"role": "assistant", "content": [{"type": "thinking", "thinking": "hm\tm"}, {"type": "tool_use", "name": "f", "input": {"a": "\"b\""}}]}, {"role": "user", "content": [{"type": "tool_result", "content": [{"type": "text", "text": "r"}]}, {"type": "image", "source": {}}]}]}`,
  String.raw`{"messages": [{"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "g", "arguments": "{\"x\": 1}"}}]}, {"role": "function", "function_call": {"name": "h", "arguments": {"y": 2}}}]}`,
  // ShareGPT, pairs, hh-rlhf text transcripts in strings, unknown roles and shapes.
  String.raw`{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "yo"}, {"from": "narrator", "value": "?"}], "id": 3}`,
  String.raw`{"chosen": "\n\nHuman: Is it \"safe\"?\n\nAssistant: Yes [[c1]].", "rejected": "\n\nHuman: Is it safe?\n\nAssistant: No\\no."}`,
  String.raw`{"id": "p", "context": [{"role": "user", "content": "Q"}], "chosen": {"role": "assistant", "content": "Good"}, "rejected": [{"role": "assistant", "content": "Bad"}], "chosen_rest": [{"role": "user", "content": "more"}], "rejected_rest": []}`,
  '{"nothing": "known"}',
  '[1, 2]',
  '{"messages": [3, {"content": "no role"}, {"role": "user"}]}',
];

test('inline lines: the fast way and the jsonc-parser way give the same conversations and problems', () => {
  for (const line of lines) {
    assert.ok(scanJson(line), `fast way taken: ${line}`);
    const fast = parseJsonlLine(line, 4, 1000);
    const slow = parseJsonlLineWithJsonc(line, 4, 1000);
    assert.deepEqual({ ...fast, conversations: fast.conversations.map(plain) }, { ...slow, conversations: slow.conversations.map(plain) }, line);
  }
});

test('inline lines: exact texts and ranges through escapes, duplicate keys and integer-like keys', () => {
  const src = 'x'.repeat(10) + '\n' + lines[0];
  const base = 11;
  let c = parseJsonlLine(lines[0], 0, base).conversations[0];
  assert.deepEqual(c.turns.map((t) => [t.role, t.blocks[0].text.text, at(src, t.blocks[0].span)]), [
    ['user', 'Q "quoted"', String.raw`Q \"quoted\"`],
    ['assistant', 'A', 'A'],
  ]);
  const q = c.turns[0].blocks[0].text;
  assert.equal(src.slice(q.toSource(2), q.toSource(3)), '\\"');
  assert.equal(src.slice(q.toSource(3), q.toSource(9)), 'quoted');

  c = parseJsonlLine(lines[1], 0, 0).conversations[0];
  assert.deepEqual([c.id, c.turns.length, c.turns[0].role, c.turns[0].blocks[0].text.text], ['a', 1, 'user', 'one']);

  const line = lines[2];
  c = parseJsonlLine(line, 0, 0).conversations[0];
  const [a, b, e] = c.turns;
  assert.equal(a.blocks[0].text.text, 'a\\');
  assert.equal(at(line, a.blocks[0].span), String.raw`a\\`);
  assert.equal(b.blocks[0].text.text, 'b\\\\');
  const note = b.notes[0];
  assert.equal(note.text.text, 'c\\" [[d\\]] "[[honesty]]"');
  assert.deepEqual(note.citations.map((x) => [x.id, at(line, x.span), at(line, x.idSpan)]), [
    ['d\\', String.raw`[[d\\]]`, String.raw`d\\`],
    ['honesty', '[[honesty]]', 'honesty'],
  ]);
  assert.equal(line.slice(note.text.toSource(11), note.text.toSource(12)), '\\u0022');
  const emoji = e.blocks[0].text;
  assert.equal(emoji.text, '\ud83d\ude00 x \ud83d y [[ok]]');
  assert.equal(line.slice(emoji.toSource(0), emoji.toSource(1)), '\\ud83d');
  assert.equal(line.slice(emoji.toSource(1), emoji.toSource(2)), '\\ude00');
  assert.equal(line.slice(emoji.toSource(5), emoji.toSource(6)), '\\uD83D');

  c = parseJsonlLine(lines[3], 0, 0).conversations[0];
  assert.deepEqual([c.format, c.label, c.targetTurn, c.meta, c.turns[0].role, c.turns[0].roleLabel], ['labelled', 'ok', 0, { k: '\u00e9', n: [1, 2.5] }, 'assistant', 'assistant']);
  assert.equal(at(lines[3], c.turns[0].roleSpan), String.raw`"r\u006fle": "\u0061ssistant"`);
});

test('a line that is not strict JSON keeps its problem at its exact place', () => {
  const line = '{"messages": [{"role": "user", "content": "raw\u0001control"}]}';
  const read = parseJsonlLine(line, 0, 50);
  assert.deepEqual(read.conversations, []);
  assert.equal(read.problems.length, 1);
  assert.equal(read.problems[0].code, 'jsonl.syntax');
  assert.deepEqual(read.problems[0], parseJsonlLineWithJsonc(line, 0, 50).problems[0]);
  const trailing = '{"messages": [],}';
  assert.deepEqual(parseJsonlLine(trailing, 0, 0), parseJsonlLineWithJsonc(trailing, 0, 0));
  assert.equal(parseJsonlLine(trailing, 0, 0).problems[0].span.start, trailing.indexOf('}'));
});

test('JSON files: the fast way and the jsonc-parser way agree; comments and errors take the jsonc-parser way', () => {
  const files = [
    `[\n  ${lines[0]},\n  ${lines[4]},\n  ${lines[7]}\n]\n`,
    '[{"role": "user", "content": "a"}, {"role": "assistant", "content": "b\\n"}]',
    `{\n  "system": "s",\n  "messages": [{"role": "user", "content": "\\u00e9"}]\n}`,
  ];
  for (const text of files) {
    assert.ok(scanJson(text));
    assert.deepEqual(plainTranscript(parseJsonFile(text)), plainTranscript(parseJsonFileWithJsonc(text)));
  }
  const commented = '// a comment\n{"messages": [{"role": "user", "content": "hi",}]}';
  const read = parseJsonFile(commented);
  assert.deepEqual(read.problems, []);
  assert.equal(at(commented, read.conversations[0].turns[0].blocks[0].span), 'hi');
});

test('corpus: every record of every dev file reads the same through the fast way and through jsonc-parser', { skip: corpusSkip }, () => {
  let records = 0;
  for (const file of corpusFiles('dev').filter((f) => f.endsWith('.jsonl'))) {
    const text = readCorpus(file);
    let start = 0;
    let index = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      const line = text.slice(start, end);
      if (line.trim() !== '') {
        assert.ok(scanJson(line), `${file}:${index} takes the fast way`);
        const fast = parseJsonlLine(line, index, start);
        const slow = parseJsonlLineWithJsonc(line, index, start);
        assert.deepEqual(
          { ...fast, conversations: fast.conversations.map(plain) },
          { ...slow, conversations: slow.conversations.map(plain) },
          `${file}:${index}`,
        );
        index++;
        records++;
      }
      start = end + 1;
    }
  }
  assert.ok(records > 1000, `read ${records} records`);
});

test('the format samples read the same through the fast way and through jsonc-parser, file by file and line by line', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join('test', 'fixtures', 'formats');
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    if (name.endsWith('.json')) {
      assert.deepEqual(plainTranscript(parseJsonFile(text)), plainTranscript(parseJsonFileWithJsonc(text)), name);
    } else if (name.endsWith('.jsonl')) {
      text.split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        const fast = parseJsonlLine(line, i, 0);
        const slow = parseJsonlLineWithJsonc(line, i, 0);
        assert.deepEqual({ ...fast, conversations: fast.conversations.map(plain) }, { ...slow, conversations: slow.conversations.map(plain) }, `${name}:${i + 1}`);
      });
    }
  }
});
