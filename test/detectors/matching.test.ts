import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConversations, type Finding } from '../../server/src/core/detectors/index.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import { check, constitutionText, ruleset, seen } from './helpers.ts';

test('an expression finds what it would find alone: not again inside its own last match', () => {
  // "b c" is dropped for starting inside "a b"; "c d" starts inside "b c", which a global expression skips.
  const rs = ruleset(constitutionText(`- id: pair
  kind: regex
  message: Pair
  pattern: ['\\ba b\\b', '\\b(?:b|c) \\w']`));
  const src = 'User: q\nAssistant: a b c d e\n';
  assert.deepEqual(seen(src, check(rs, src)), [['pair', 'a b', src.indexOf('a b')]]);
});

test('where two phrases of a detector start at the same place, the longer is the finding', () => {
  const rs = ruleset(constitutionText(`- id: best
  kind: phrases
  message: Best
  phrases: [the, the best, I]`));
  const src = 'User: q\nAssistant: I think the best is the end.\n';
  assert.deepEqual(seen(src, check(rs, src)), [
    ['best', 'I', src.indexOf('I think')],
    ['best', 'the best', src.indexOf('the best')],
    ['best', 'the', src.indexOf('the end')],
  ]);
});

test('one-letter words are found before any character, at the end of the text, and not inside words', () => {
  const rs = ruleset(constitutionText(`- id: i
  kind: regex
  message: I
  pattern: '\\bI\\b'
  flags: ''`));
  const src = 'User: q\nAssistant: I, "I" Iv iI I\n';
  const at = src.indexOf('I,');
  assert.deepEqual(seen(src, check(rs, src)).map(([, , s]) => s - at), [0, 4, 13]);
});

test('an opens-with detector reads the first text block that is not blank', () => {
  const rs = ruleset(constitutionText(`- id: opener
  kind: opens-with
  message: Opener
  phrases: [great question]`));
  const src = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [{ type: 'text', text: ' \n' }, { type: 'text', text: '> Great question! 4.' }] }] });
  assert.deepEqual(seen(src, check(rs, src, 'a.json')), [['opener', 'Great question', src.indexOf('Great question')]]);
});

test('guards match whole phrases anywhere in the turn or the user turn before it, word-indexed or not', () => {
  const rs = ruleset(constitutionText(`- id: refuse
  kind: phrases
  message: Refusal
  phrases: [I can't]
  unless: [policy]
  unless-user: [hack into, 100%]`));
  const flagged = 'User: can you hack it?\nAssistant: I can\'t.\n';
  assert.deepEqual(seen(flagged, check(rs, flagged)), [['refuse', "I can't", flagged.indexOf("I can't")]]);
  assert.deepEqual(check(rs, 'User: can you HACK\n INTO it?\nAssistant: I can\'t.\n'), []);
  assert.deepEqual(check(rs, 'User: are you 100% sure?\nAssistant: I can\'t.\n'), []);
  assert.deepEqual(check(rs, 'User: q\nAssistant: I can\'t, by Policy.\n'), []);
  const inside = 'User: shack into\nAssistant: I can\'t. policyholder\n';
  assert.deepEqual(seen(inside, check(rs, inside)), [['refuse', "I can't", inside.indexOf("I can't")]]);
});

/** One phrase detector with a guard on the user turn before, for the tests of shared turns. */
function hedging() {
  return ruleset(constitutionText(`- id: hedge
  kind: phrases
  message: Hedge
  phrases: [it depends]
  unless-user: [depend on]`));
}

test("a preference pair's context is checked once for both sides; each side's own turns are checked as its own", () => {
  const rs = hedging();
  const src =
    JSON.stringify({
      context: [{ role: 'user', content: 'Which?' }, { role: 'assistant', content: 'Well, it depends.' }, { role: 'user', content: 'On what?' }],
      chosen: { role: 'assistant', content: 'On the weather: it depends on rain.' },
      rejected: { role: 'assistant', content: 'Honestly, it depends.' },
    }) + '\n';
  const found = check(rs, src, 'pairs.jsonl');
  assert.deepEqual(seen(src, found), [
    ['hedge', 'it depends', src.indexOf('it depends')],
    ['hedge', 'it depends', src.indexOf('it depends on rain')],
    ['hedge', 'it depends', src.indexOf('it depends', src.indexOf('Honestly'))],
  ]);
  assert.deepEqual(found.map((f) => [f.conversation, f.turn]), [[0, 1], [0, 3], [0, 3]]);
  // Both sides still hold the context's turns.
  const [chosen, rejected] = parseTranscript(src, 'pairs.jsonl').conversations;
  assert.deepEqual([chosen.turns.length, rejected.turns.length], [4, 4]);
  assert.equal(chosen.turns[1], rejected.turns[1]);
});

test('a turn two conversations share is checked again where the user turn before it differs', () => {
  const rs = hedging();
  const src = 'User: Does it depend on luck?\nAssistant: It depends.\n';
  const [conversation] = parseTranscript(src, 'a.transcript').conversations;
  const [user, assistant] = conversation.turns;
  const alone = { ...conversation, turns: [{ ...user, role: 'system' as const }, assistant] };
  // After the user turn the guard holds; in the second conversation no user turn comes before it.
  assert.deepEqual(checkConversations([conversation, alone], rs).map((f) => source(src, f)), ['It depends']);
  assert.deepEqual(checkConversations([alone, conversation], rs).map((f) => source(src, f)), ['It depends']);
  assert.equal(checkConversations([conversation, conversation], rs).length, 0);
});

function source(src: string, f: Finding): string {
  return src.slice(f.span.start, f.span.end);
}
