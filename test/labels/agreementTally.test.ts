import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgreementTally, measureAgreement, type JudgeVerdict, type KnownClause } from '../../server/src/core/labels/measureAgreement.ts';
import type { Label } from '../../server/src/core/labels/labels.ts';

const clauses: KnownClause[] = [
  { constitution: 'house', clause: 'honesty', rules: ['claims-action'] },
  { constitution: 'house', clause: 'helpfulness', rules: ['needless-refusal', 'caveat-pile'] },
  { constitution: 'spec', clause: 'honesty', rules: ['spec-lie'] },
  { constitution: 'spec', clause: 'tone', rules: [] },
];

/** A small generator of numbers, seeded, so that every run draws the same files. */
function draws(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state >>> 16) % n;
  };
}

/**
 * A dataset file drawn at random, line by line: each line is its own conversation, sometimes a
 * preference pair, with note labels and record labels on its turns (several on one turn at times, a
 * rule of another clause, a clause no constitution has, a constitution's name), and verdicts.
 */
function drawFile(file: string, seed: number): { lines: Array<{ notes: Label[]; records: Label[]; verdicts: JudgeVerdict[] }> } {
  const pick = draws(seed);
  const clauseIds = ['honesty', 'helpfulness', 'tone', 'harm avoidance', undefined];
  const rules = ['claims-action', 'needless-refusal', 'caveat-pile', 'spec-lie', 'no-such-rule', undefined];
  const lines = [];
  for (let conversation = 0; conversation < 60; conversation++) {
    const sides = pick(4) === 0 ? (['chosen', 'rejected'] as const) : ([undefined] as const);
    const notes: Label[] = [];
    const records: Label[] = [];
    const verdicts: JudgeVerdict[] = [];
    for (const side of sides) {
      for (let k = pick(4); k > 0; k--) {
        const turn = pick(3);
        const source = pick(3) === 0 ? 'record' : pick(2) === 0 ? 'review' : 'note';
        const clause = clauseIds[pick(clauseIds.length)];
        const rule = rules[pick(rules.length)];
        const label: Label = {
          file,
          conversation,
          ...(side ? { side } : {}),
          turn,
          verdict: pick(2) === 0 ? 'violates' : 'complies',
          ...(clause ? { clause } : {}),
          ...(clause && pick(3) === 0 ? { constitution: pick(2) === 0 ? 'spec' : 'house' } : {}),
          ...(rule ? { rule } : {}),
          reason: `${conversation}:${k}`,
          source,
          span: { start: conversation * 100 + k, end: conversation * 100 + k + 1 },
        };
        (source === 'record' ? records : notes).push(label);
      }
      for (let k = pick(4); k > 0; k--) {
        const c = clauses[pick(clauses.length)];
        const rule = c.rules.length > 0 && pick(4) > 0 ? c.rules[pick(c.rules.length)] : undefined;
        verdicts.push({ file, conversation, ...(side ? { side } : {}), turn: pick(3), clause: c.clause, constitution: c.constitution, ...(rule ? { rule } : {}), severity: 'warning' });
      }
    }
    lines.push({ notes, records, verdicts });
  }
  return { lines };
}

test('the agreement taken a line at a time gives the rows, disagreements and unmatched labels of the whole reading', () => {
  for (const seed of [1, 7, 42, 1234]) {
    const files = [drawFile('a.jsonl', seed), drawFile('b.jsonl', seed + 1)];
    // The whole reading, as the command line does it: each file's note labels, then its record labels.
    const labels = files.flatMap((f) => [...f.lines.flatMap((l) => l.notes), ...f.lines.flatMap((l) => l.records)]);
    const verdicts = files.flatMap((f) => f.lines.flatMap((l) => l.verdicts));
    const whole = measureAgreement({ labels, verdicts, clauses });

    const tally = new AgreementTally(clauses);
    for (const f of files) {
      for (const l of f.lines) tally.add([...l.notes, ...l.records], l.verdicts, true);
      tally.endFile();
    }
    const parts = tally.result();
    assert.ok(whole.disagreements.length > 0 && whole.unmatched.length > 0 && whole.rules.length > 0, `seed ${seed} draws a measure worth comparing`);
    assert.deepEqual(parts, { clauses: whole.clauses, rules: whole.rules, disagreements: whole.disagreements, unmatched: whole.unmatched }, `seed ${seed}`);

    const counted = new AgreementTally(clauses, undefined, { keepLabels: false });
    for (const f of files) {
      for (const l of f.lines) counted.add([...l.notes, ...l.records], l.verdicts, true);
      counted.endFile();
    }
    assert.deepEqual(counted.result(), { clauses: whole.clauses, rules: whole.rules, disagreements: [], unmatched: [] }, `seed ${seed}, rows only`);
  }
});
