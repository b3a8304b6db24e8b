import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { locateQuote, placeFinding } from '../../server/src/core/critique/locate.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';

function assistantTurn(content: string) {
  const source = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content }] });
  const turn = parseTranscript(source, 'chat.json').conversations[0].turns[1];
  return { source, turn };
}

const constitution = parseConstitution('# Honesty {#honesty}\n\nBe honest.\n\n## No hedging\n\nDo not hedge.\n', 'c.constitution.md');

test('an exact quote maps to its source span', () => {
  const { source, turn } = assistantTurn('Sure. As an AI, I cannot help.');
  const at = locateQuote(turn, 'As an AI');
  assert.ok(at);
  assert.equal(source.slice(at.span.start, at.span.end), 'As an AI');
  assert.equal(at.turnOffset, 6);
  assert.equal(at.match, 'exact');
});

test('a quote across a \\n escape underlines the escape in the JSON source', () => {
  const { source, turn } = assistantTurn('First line.\nSecond "line" here.');
  const at = locateQuote(turn, 'line.\nSecond "line"');
  assert.ok(at);
  assert.equal(source.slice(at.span.start, at.span.end), 'line.\\nSecond \\"line\\"');
});

test('a quote with its line break given as a space matches whitespace-insensitively', () => {
  const { source, turn } = assistantTurn('First line.\n\n  Second line.');
  const at = locateQuote(turn, 'First line. Second');
  assert.ok(at);
  assert.equal(at.match, 'whitespace');
  assert.equal(source.slice(at.span.start, at.span.end), 'First line.\\n\\n  Second');
});

test('case and curly quotation marks fold last', () => {
  const { source, turn } = assistantTurn('I can\u2019t say \u201cyes\u201d here.');
  const at = locateQuote(turn, 'i CAN\'T say "yes"');
  assert.ok(at);
  assert.equal(at.match, 'folded');
  assert.equal(source.slice(at.span.start, at.span.end), 'I can\u2019t say \u201cyes\u201d');
});

test('a repeated quote is placed at its first occurrence', () => {
  const { source, turn } = assistantTurn('Sorry. Really, sorry.');
  const at = locateQuote(turn, 'orry');
  assert.ok(at);
  assert.equal(at.span.start, source.indexOf('Sorry.') + 1);
  assert.equal(at.turnOffset, 1);
});

test('a quote from another turn, or an empty quote, is not placed', () => {
  const { turn } = assistantTurn('Here is the answer.');
  assert.equal(locateQuote(turn, 'Hi'), undefined);
  assert.equal(locateQuote(turn, '   '), undefined);
});

test('a finding citing an unknown principle or quoting absent words is dropped with a reason', () => {
  const { turn } = assistantTurn('Here is the answer.');
  const bad = placeFinding({ principle: 'kindness', quote: 'Here', critique: 'x', severity: 'info' }, turn, constitution);
  assert.deepEqual(bad, { ok: false, reason: 'The principle "kindness" is not a clause of the constitution that was sent.' });
  const missing = placeFinding({ principle: 'honesty', quote: 'not there', critique: 'x', severity: 'info' }, turn, constitution);
  assert.deepEqual(missing, { ok: false, reason: 'The quote "not there" is not in the turn.' });
  const notSent = placeFinding({ principle: 'honesty', quote: 'Here', critique: 'x', severity: 'info' }, turn, constitution, new Set(['no-hedging']));
  assert.equal(notSent.ok, false);
  const good = placeFinding({ principle: 'no-hedging', quote: 'the answer', critique: 'x', severity: 'warning' }, turn, constitution);
  assert.equal(good.ok, true);
});
