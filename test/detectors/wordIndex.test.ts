import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slotOf, wordHash, WordIndex } from '../../server/src/core/detectors/wordIndex.ts';

/** The slot a word takes in a table of `size` slots. */
function slot(word: string, size: number): number {
  return slotOf(wordHash(word), size - 1);
}

/** Lower-case words of three letters that take the same slot as `word` in the smallest table (64 slots). */
function slotMates(word: string, count: number): string[] {
  const out: string[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const a of letters) for (const b of letters) for (const c of letters) {
    const w = a + b + c;
    if (w !== word && slot(w, 64) === slot(word, 64) && out.length < count) out.push(w);
  }
  return out;
}

function index(sources: string[]): WordIndex<string> {
  return WordIndex.build(sources.map((source) => ({ owner: source, source, flags: 'i', keys: WordIndex.keys(source, 'i')! })));
}

function matches(ix: WordIndex<string>, text: string): [string, string][] {
  const out: [string, string][] = [];
  ix.scan(text, { candidates: new Int32Array(2), from: () => 0, found: (probe, start, end) => out.push([probe.owner, text.slice(start, end)]) });
  return out;
}

test('a word that only shares a slot with a word of the index is passed over; the word itself still matches', () => {
  const [other, third] = slotMates('cat', 2);
  const ix = index(['\\bcat\\s+naps']);
  assert.deepEqual(matches(ix, `${other} naps; ${third} naps; CAT naps; cat  naps`), [
    ['\\bcat\\s+naps', 'CAT naps'],
    ['\\bcat\\s+naps', 'cat  naps'],
  ]);
});

test('two words of the index in one slot are both found, and neither is taken for the other', () => {
  const [mate, stranger] = slotMates('cat', 2);
  const ix = index(['\\bcat\\s+naps', `\\b${mate}\\s+naps`]);
  assert.deepEqual(matches(ix, `cat naps, ${mate} naps, ${stranger} naps`), [
    ['\\bcat\\s+naps', 'cat naps'],
    [`\\b${mate}\\s+naps`, `${mate} naps`],
  ]);
});

test('a source that spells out its first words through optional letters, classes and groups is filed under those whole words', () => {
  const words = (source: string) => WordIndex.keys(source, 'i')?.map((k) => k.word ?? `${String.fromCharCode(k.first)}…`);
  assert.deepEqual(words('\\bviolates?\\s+my'), ['violate', 'violates']);
  assert.deepEqual(words('\\b(?:sorry|apologi[sz]e)\\b[^.]{0,9}but'), ['sorry', 'apologise', 'apologize']);
  assert.deepEqual(words("\\bI(?:'|’)?m\\s+not"), ['im', 'i', 'i']);
  assert.deepEqual(words('\\b(?:reach(?:ing)?\\s+out|talk(?:ing)?)\\s+to'), ['reach', 'reaching', 'talk', 'talking']);
  // Where the word can go on with more word characters, it is not settled: the first letters are.
  assert.deepEqual(words('\\bapolog\\w*'), ['a…']);
});

test('an expression filed under its spelled-out words finds every match it finds alone, and nothing that only shares their first letters', () => {
  const source = "\\b(?:sorry|apologi[sz]e|violates?)\\b|\\bI(?:'|’)?m\\s+not\\s+sure|\\btalk(?:ing)?\\s+to";
  const ix = index([source]);
  const text = "Sorry, I apologize; it violates nothing. Im not sure. I’m not sure I'm not sure. Talking to you; talk to me. Sorrys apologizes violated immediately talked to";
  const alone = [...text.matchAll(new RegExp(source, 'gi'))].map((m) => [source, m[0]]);
  assert.equal(alone.length, 8);
  assert.deepEqual(matches(ix, text), alone);
});
