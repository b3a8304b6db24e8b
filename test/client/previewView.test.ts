import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPreviewState, noFilter, parseFromPreview } from '../../client/src/preview/previewMessages.ts';
import type { ConversationRow } from '../../server/src/protocol.ts';
import { filterChoices, keepsRow, markHighlights, nextFlagged, rowAtLine, splitMarks } from '../../media/src/previewView.ts';

function row(entry: number, flags: Partial<ConversationRow['flags']>, clauses: string[] = [], labelled = false): ConversationRow {
  return { entry, line: entry * 3, title: `c${entry}`, turns: 2, flags: { error: 0, warning: 0, info: 0, hint: 0, ...flags }, clauses, rules: clauses.map((c) => `${c}-rule`), labelled };
}

const rows = [row(0, {}), row(1, { warning: 2 }, ['calibrated']), row(2, { info: 1 }, ['no-flattery'], true), row(3, {}), row(4, { error: 1, hint: 1 }, ['calibrated', 'honesty'])];

test('the filter keeps the rows of a clause, a rule, a least severity and a label state', () => {
  const kept = (f: Partial<typeof noFilter>) => rows.filter((r) => keepsRow({ ...noFilter, ...f }, r)).map((r) => r.entry);
  assert.deepEqual(kept({}), [0, 1, 2, 3, 4]);
  assert.deepEqual(kept({ clause: 'calibrated' }), [1, 4]);
  assert.deepEqual(kept({ rule: 'no-flattery-rule' }), [2]);
  assert.deepEqual(kept({ severity: 'warning' }), [1, 4]);
  assert.deepEqual(kept({ severity: 'error' }), [4]);
  assert.deepEqual(kept({ severity: 'hint' }), [1, 2, 4]);
  assert.deepEqual(kept({ label: 'labelled' }), [2]);
  assert.deepEqual(kept({ label: 'unlabelled', clause: 'calibrated', severity: 'error' }), [4]);
  assert.deepEqual(filterChoices(rows), { clauses: ['calibrated', 'honesty', 'no-flattery'], rules: ['calibrated-rule', 'honesty-rule', 'no-flattery-rule'] });
});

test('next and previous flagged skip the rows without flags, from the row shown or from where it would be', () => {
  assert.equal(nextFlagged(rows, 0, 1), 1);
  assert.equal(nextFlagged(rows, 2, 1), 4);
  assert.equal(nextFlagged(rows, 4, 1), undefined);
  assert.equal(nextFlagged(rows, 4, -1), 2);
  assert.equal(nextFlagged(rows, 1, -1), undefined);
  const filtered = rows.filter((r) => r.entry !== 3 && r.entry !== 2);
  // Entry 3 is filtered out: the next is after it, the previous before it.
  assert.equal(nextFlagged(filtered, 3, 1), 4);
  assert.equal(nextFlagged(filtered, 3, -1), 1);
});

test('marks put around highlights survive as text and give back each piece with the flags over it', () => {
  const text = 'What a great question! It might possibly work.';
  const marked = markHighlights(text, [
    { flag: 0, start: 0, end: 21 },
    { flag: 1, start: 26, end: 40 },
    { flag: 2, start: 7, end: 12 },
  ]);
  const { pieces, open } = splitMarks(marked, []);
  assert.deepEqual(open, []);
  assert.deepEqual(pieces, [
    { text: 'What a ', flags: [0] },
    { text: 'great', flags: [0, 2] },
    { text: ' question', flags: [0] },
    { text: '! It ', flags: [] },
    { text: 'might possibly', flags: [1] },
    { text: ' work.', flags: [] },
  ]);
  assert.equal(pieces.map((p) => p.text).join(''), text);
  // A flag open at the end of one text node is open at the start of the next (Markdown splits nodes).
  const split = splitMarks(markHighlights('bold words', [{ flag: 3, start: 2, end: 10 }]).slice(0, 6), []);
  assert.deepEqual(split.open, [3]);
  assert.deepEqual(splitMarks('ords', split.open).pieces, [{ text: 'ords', flags: [3] }]);
});

test("a text's own mark characters cannot forge a highlight, and keep its offsets", () => {
  const forged = 'a\uE000\uE100b\uE001\uE100c';
  const marked = markHighlights(forged, [{ flag: 0, start: 6, end: 7 }]);
  const { pieces } = splitMarks(marked, []);
  assert.deepEqual(pieces, [
    { text: 'a\uFFFD\uFFFDb\uFFFD\uFFFD', flags: [] },
    { text: 'c', flags: [0] },
  ]);
});

test('messages from the view are read strictly, and a state restored after a reload is checked', () => {
  const range = { start: { line: 4, character: 11 }, end: { line: 4, character: 32 } };
  assert.deepEqual(parseFromPreview({ type: 'reveal', range, select: true }), { type: 'reveal', range, select: true });
  assert.equal(parseFromPreview({ type: 'reveal', range: { start: { line: 'x' } } }), undefined);
  assert.deepEqual(parseFromPreview({ type: 'act', action: 'agree', conversation: 0, turn: 2, range, flag: { rule: 'r', cite: 'c' } }), {
    type: 'act',
    action: 'agree',
    conversation: 0,
    turn: 2,
    range,
    flag: { rule: 'r', cite: 'c' },
  });
  assert.equal(parseFromPreview({ type: 'act', action: 'agree', conversation: 0, turn: 2, range }), undefined, 'agreeing needs a flag');
  assert.equal(parseFromPreview({ type: 'act', action: 'delete', conversation: 0, turn: 2, range }), undefined);
  assert.equal(parseFromPreview({ type: 'openEntry', entry: -1 }), undefined);
  assert.equal(parseFromPreview({ command: 'ready' }), undefined);
  assert.ok(isPreviewState({ uri: 'file:///a.jsonl', entry: 3, filter: noFilter }));
  assert.equal(isPreviewState({ uri: 'file:///a.jsonl', entry: 3 }), false);
});

test('the row at a line of the source is the last that starts at or before it', () => {
  assert.equal(rowAtLine(rows, 0)?.entry, 0);
  assert.equal(rowAtLine(rows, 5)?.entry, 1);
  assert.equal(rowAtLine(rows, 6)?.entry, 2);
  assert.equal(rowAtLine(rows, 400)?.entry, 4);
  assert.equal(rowAtLine([row(2, {})].map((r) => ({ ...r, line: 10 })), 3), undefined);
});
