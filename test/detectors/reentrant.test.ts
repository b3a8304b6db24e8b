import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { checkConversations, compileRuleset, type Finding } from '../../server/src/core/detectors/index.ts';
import { FeatureWalker, defaultFeatureOptions, walkFeatures } from '../../server/src/core/learned/features.ts';
import type { MappedText } from '../../server/src/core/text.ts';
import { verbatimText } from '../../server/src/core/text.ts';
import type { Conversation, Turn } from '../../server/src/core/transcript/model.ts';
import { readModelFiles } from '../../server/src/modelFiles.ts';

// The starter with its learned model, as the commands read it: phrase, pattern, opener and learned
// detectors, guards on the user's turn, and flags that several detectors share.
const path = 'constitutions/starter.constitution.md';
const constitution = parseConstitution(readFileSync(path, 'utf8'), 'starter.constitution.md');
const ruleset = compileRuleset([{ uri: path, constitution, models: readModelFiles(path, constitution) }]);

/** A text whose reading calls `touched` each time: where a caller's code runs inside a check. */
function touching(text: string, base: number, touched: () => void): MappedText {
  const plain = verbatimText(text, base);
  return {
    get text() {
      touched();
      return text;
    },
    toSource(offset: number) {
      touched();
      return plain.toSource(offset);
    },
  };
}

/**
 * Conversations of the starter's examples: a user turn, then an assistant turn of two text blocks
 * (the example said twice), so that a turn's hits span blocks and its learned and phrase detectors
 * both flag it. `touched` runs whenever a check reads a block's text or places a finding in it.
 */
function conversations(touched: () => void = () => {}): Conversation[] {
  const texts = ruleset.detectors.flatMap((d) => d.spec.examples.map((e) => ({ user: e.user ?? 'Can you help me with this?', text: e.text })));
  return texts.map(({ user, text }, index) => {
    const span = { start: 0, end: user.length + 2 * text.length };
    const turn = (i: number, role: 'user' | 'assistant', parts: string[]): Turn => ({
      index: i,
      role,
      roleLabel: role,
      span,
      blocks: parts.map((p, b) => ({ type: 'text', text: touching(p, b * p.length, touched), span })),
      notes: [],
    });
    return { index, span, format: 'text', turns: [turn(0, 'user', [user]), turn(1, 'assistant', [text, text])] } as Conversation;
  });
}

test('a check started from inside another gives each the findings it gives alone', () => {
  const first = conversations();
  const second = conversations().slice(0, 12);
  const alone = checkConversations(first, ruleset);
  const secondAlone = checkConversations(second, ruleset);
  assert.ok(alone.some((f) => f.learned) && alone.some((f) => !f.learned), 'the examples flag learned and phrase detectors alike');

  // Every read of a block's text or place starts a whole second check, which finishes inside the first.
  const inner: Finding[][] = [];
  const interleaved = checkConversations(
    conversations(() => inner.push(checkConversations(second, ruleset))),
    ruleset,
  );
  assert.ok(inner.length > first.length, 'the second check ran inside the first, at every block');
  assert.deepEqual(strip(interleaved), strip(alone));
  for (const findings of inner) assert.deepEqual(strip(findings), strip(secondAlone));
});

test('a feature walk started from inside another walk gives each the features it gives alone', () => {
  const outerText = "I'm sorry, but I can't help with that. Perhaps a locksmith could.";
  const innerText = 'Here are three steps to shoot a photo at sunrise.';
  const alone = (text: string) => {
    const out: number[] = [];
    walkFeatures(text, defaultFeatureOptions, (b) => out.push(b));
    return out;
  };
  const inner: number[][] = [];
  const outer: number[] = [];
  new FeatureWalker().walk(outerText, defaultFeatureOptions, (b) => {
    outer.push(b);
    inner.push(alone(innerText));
  });
  assert.deepEqual(outer, alone(outerText));
  assert.ok(inner.length > 0);
  for (const walk of inner) assert.deepEqual(walk, alone(innerText));
});

/** A finding as plain data: its learned evidence read out, since the hover's n-grams are found when read. */
function strip(findings: readonly Finding[]): unknown[] {
  return findings.map((f) => ({ ...f, learned: f.learned && { ...f.learned, top: f.learned.top } }));
}
