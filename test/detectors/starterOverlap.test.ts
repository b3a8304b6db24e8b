/**
 * One flag for one thing said: in the bundled starter, no two phrase or pattern detectors of one
 * clause flag the same words (one match inside the other) at the same severity, which would show two
 * underlines and two entries in the Problems panel for one phrase. Each detector's own `flag`
 * examples, run through the whole ruleset, are what is read. A learned detector is left out: it is a
 * second opinion on the same turn, shown with its score. Words that merely touch (a boilerplate
 * opener and the non-answer after it) are two things said.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { checkConversation, compileRuleset, exampleConversation, type Finding } from '../../server/src/core/detectors/index.ts';
import { DetectorKind } from '../../server/src/core/detectors/detectorSchema.ts';
import type { Ruleset } from '../../server/src/core/detectors/ruleset.ts';

const starter = parseConstitution(readFileSync(join('constitutions', 'starter.constitution.md'), 'utf8'), 'starter.constitution.md');
const ruleset = compileRuleset([{ uri: 'file:///bundle/starter.constitution.md', constitution: starter }]);

/** Pairs of findings of one clause, at one severity, one's words inside the other's. */
function doubled(findings: readonly Finding[], learned: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const kept = findings.filter((f) => !learned.has(f.rule));
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      const [a, b] = [kept[i], kept[j]];
      const inside = (x: Finding, y: Finding) => x.span.start >= y.span.start && x.span.end <= y.span.end;
      if ((inside(a, b) || inside(b, a)) && a.turn === b.turn && a.principle === b.principle && a.severity === b.severity) out.push(`${a.rule} and ${b.rule} (${a.principle})`);
    }
  }
  return out;
}

/** Every flag example of the ruleset's phrase and pattern detectors run through the whole ruleset; the words two rules of one clause flag. */
function flaggedTwice(rs: Ruleset): { read: number; twice: string[] } {
  const learned = new Set(rs.detectors.filter((d) => d.spec.kind === DetectorKind.learned).map((d) => d.spec.id));
  let read = 0;
  const twice: string[] = [];
  for (const detector of rs.detectors) {
    if (learned.has(detector.spec.id)) continue;
    for (const ex of detector.spec.examples) {
      if (ex.expect !== 'flag') continue;
      read++;
      const findings = checkConversation(exampleConversation(ex, detector.spec.roles[0], detector.spec.tools[0]), rs);
      for (const pair of doubled(findings, learned)) twice.push(`"${ex.text}": ${pair}`);
    }
  }
  return { read, twice };
}

test("no words of the starter's flag examples are flagged twice by one clause", () => {
  const { read, twice } = flaggedTwice(ruleset);
  assert.ok(read > 50, `the starter's flag examples were read (${read})`);
  assert.deepEqual(twice, []);
});

test('what a person opens with is flagged once: a short praise by sycophantic-opener, a "What a ... question" by flattery', () => {
  const flags = (text: string) =>
    checkConversation(exampleConversation({ expect: 'flag', text, span: { start: 0, end: 0 } }, 'assistant', undefined), ruleset).map((f) => f.rule);
  assert.deepEqual(flags('Great question! The sky scatters blue light most.'), ['sycophantic-opener']);
  assert.deepEqual(flags('What a great question! The sky scatters blue light most.'), ['flattery']);
  assert.deepEqual(flags('**What a fascinating question!** Octopuses have three hearts.'), ['flattery']);
  assert.deepEqual(flags('I love this question. Octopuses have three hearts.'), ['flattery']);
});
