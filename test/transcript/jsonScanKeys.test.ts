import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree, type Node } from 'jsonc-parser';
import { scanJson } from '../../server/src/core/transcript/jsonScan.ts';
import { parseJsonlLine, parseJsonlLineWithJsonc } from '../../server/src/core/transcript/jsonl.ts';

/** The fields of a node, recursively, without the parent links. */
function shape(node: Node | undefined): unknown {
  if (!node) return undefined;
  return { type: node.type, offset: node.offset, length: node.length, value: node.value, colonOffset: node.colonOffset, children: node.children?.map(shape) };
}

const longKey = 'k'.repeat(40);

/** Keys of every kind the scanner reads apart: short and plain, escaped, long, at the end of the text. */
const valid = [
  '{"a":1}',
  '{"":"empty key"}',
  '{"role" : "user", "content":"hi"}',
  String.raw`{"ro\u006ce": "user", "con\"tent": "hi", "back\\slash": 1}`,
  `{"${longKey}": "long", "${'x'.repeat(32)}": 1, "${'y'.repeat(31)}": 2}`,
  String.raw`{"${longKey}\n": "long, escaped after the first characters"}`,
  '{"é ü 😀": [{"nested": {"deeper": null}}]}',
  '{"__proto__": {"x": 1}, "meta": {"a": [1, {"b": "c"}], "__proto__": 2}, "meta": {"later": true}}',
];

/** Texts `JSON.parse` rejects because of a key: each must leave the scanner. */
const invalid = [
  '{"a\tb": 1}',
  '{"a\u0001": 1}',
  '{"a\\x": 1}',
  '{"a\\u12": 1}',
  '{"a\\": 1}',
  '{"unterminated',
  '{"a": 1, "b',
  `{"${longKey}\u0002": 1}`,
  `{"${longKey}\\q": 1}`,
  '{"meta": {"k\\v": 1}, "messages": []}',
];

test('scanJson reads keys as JSON.parse and parseTree do', () => {
  for (const text of valid) {
    JSON.parse(text);
    const scanned = scanJson(text);
    assert.ok(scanned, text);
    assert.deepEqual(shape(scanned), shape(parseTree(text)), text);
    for (const p of scanned.children ?? []) {
      const key = p.children![0];
      assert.equal(p.key, JSON.parse(text.slice(key.offset, key.offset + key.length)), text);
    }
  }
  for (const text of invalid) {
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.equal(scanJson(text), undefined, text);
  }
});

test('a JSONL line with a bad key is one syntax problem, where jsonc-parser puts it', () => {
  for (const text of invalid) {
    const line = parseJsonlLine(text, 0, 10);
    assert.deepEqual(line, parseJsonlLineWithJsonc(text, 0, 10), text);
    assert.deepEqual(line.problems.map((p) => p.code), ['jsonl.syntax'], text);
  }
  const bad = parseJsonlLine('{"messages": [], "meta": {"k\\v": 1}}', 0, 0);
  assert.deepEqual(bad.problems.map((p) => [p.span.start, p.span.end]), [[26, 31]]);
});

test('a conversation keeps its metadata as JSON.parse gives it', () => {
  const text = '{"messages": [{"role": "user", "content": "hi"}], "label": "ok", "meta": {"a": [1, {"b": "c\\u00e9"}], "__proto__": {"x": 1}}}';
  const [conversation] = parseJsonlLine(text, 0, 0).conversations;
  assert.deepEqual(conversation.meta, (JSON.parse(text) as { meta: unknown }).meta);
  assert.equal(Object.getPrototypeOf(conversation.meta), Object.prototype);
  assert.deepEqual(Object.keys(conversation.meta!), ['a', '__proto__']);
});

test('scanJson with keys to skip gives the root object without those properties, every other node as parseTree gives it', () => {
  const text = '{"source": {"a": [1, "x"]}, "messages": [{"source": "kept", "n": 2}], "meta": "m", "label": "l"}';
  const scanned = scanJson(text, ['source', 'meta']);
  assert.ok(scanned);
  const tree = parseTree(text)!;
  assert.deepEqual(shape(scanned), shape({ ...tree, children: tree.children!.filter((p) => !['source', 'meta'].includes(p.children![0].value as string)) }));
  assert.equal(scanned.length, text.length);
});
