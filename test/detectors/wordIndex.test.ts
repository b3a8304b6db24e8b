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
