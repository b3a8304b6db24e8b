import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReview } from '../../server/src/core/detectors/index.ts';
import { check, constitutionText, ruleset } from './helpers.ts';

const rs = ruleset(
  constitutionText(`- id: hedge
  kind: phrases
  message: Hedge
  phrases: [it depends]
- id: sorry
  kind: phrases
  message: Apology
  phrases: [sorry]`),
);

test('parseReview reads one review per line, with offsets', () => {
  const note = 'looks fine\nreviewed hedge: the question has no single answer\n  Reviewed sorry:  polite';
  assert.deepEqual(parseReview(note), [
    { rule: 'hedge', reason: 'the question has no single answer', offset: 11, length: 49 },
    { rule: 'sorry', reason: 'polite', offset: 63, length: 23 },
  ]);
  assert.deepEqual(parseReview('reviewed'), []);
});

test('a review note hides its finding, and removing the note brings it back', () => {
  const flagged = 'User: q\nAssistant: Sorry, it depends.\n';
  const reviewed = 'User: q\nAssistant: Sorry, it depends.\nNote: reviewed hedge: fair here\n';
  assert.deepEqual(
    check(rs, flagged).map((f) => [f.rule, f.reviewed]),
    [
      ['sorry', undefined],
      ['hedge', undefined],
    ],
  );
  const found = check(rs, reviewed);
  assert.deepEqual(
    found.map((f) => [f.rule, f.reviewed?.reason]),
    [
      ['sorry', undefined],
      ['hedge', 'fair here'],
    ],
  );
  const span = found[1].reviewed!.noteSpan;
  assert.equal(reviewed.slice(span.start, span.end), 'reviewed hedge: fair here');
});

test('a JSON note reviews the message it is on', () => {
  const src =
    '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "it depends", "note": "reviewed hedge: \\"fine\\""}, {"role": "assistant", "content": "it depends"}]}';
  const found = check(rs, src, 'a.json');
  assert.deepEqual(
    found.map((f) => [f.turn, f.reviewed?.reason]),
    [
      [1, '"fine"'],
      [2, undefined],
    ],
  );
  const span = found[0].reviewed!.noteSpan;
  assert.equal(src.slice(span.start, span.end), 'reviewed hedge: \\"fine\\"');
});
