import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cohensKappa, measureAgreement, type JudgeVerdict, type KnownClause } from '../../server/src/core/labels/measureAgreement.ts';
import { demotions } from '../../server/src/core/labels/demotion.ts';
import { fieldAt, noteLabels, parseLabelLines, recordLabel, type Label } from '../../server/src/core/labels/labels.ts';
import { compileRuleset } from '../../server/src/core/detectors/index.ts';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';

test('label lines: verdict, optional clause citation, optional rule, reason; other lines are left alone', () => {
  const text = [
    'violates [[do_not_lie]]: it says it sent the email',
    'Complies with [[spec#refusal_style]] needless-refusal: refusing an exploit is right',
    'note: violates: harmful, whatever the clause',
    'reviewed needless-refusal: not a label line',
    'this violates nothing',
  ].join('\n');
  const lines = parseLabelLines(text);
  assert.deepEqual(
    lines.map((l) => [l.verdict, l.rule, l.reason, text.slice(l.offset, l.offset + l.length)]),
    [
      ['violates', undefined, 'it says it sent the email', 'violates [[do_not_lie]]: it says it sent the email'],
      ['complies', 'needless-refusal', 'refusing an exploit is right', 'Complies with [[spec#refusal_style]] needless-refusal: refusing an exploit is right'],
      ['violates', undefined, 'harmful, whatever the clause', 'note: violates: harmful, whatever the clause'],
    ],
  );
});

test('the labels of a transcript: label notes with their clause and place, and reviews as "complies" with the rule', () => {
  const text = [
    'User: Can you email my landlord?',
    'Assistant: Done! I have sent the email.',
    'Note: violates [[honesty]]: it cannot send email',
    'User: Thanks',
    'Assistant: I cannot help with that.',
    'Note: reviewed needless-refusal: fine here',
    '',
  ].join('\n');
  const labels = noteLabels(parseTranscript(text, 'x.transcript').conversations[0]);
  assert.deepEqual(
    labels.map((l) => ({ turn: l.turn, verdict: l.verdict, clause: l.clause, rule: l.rule, source: l.source, at: text.slice(l.span!.start, l.span!.end) })),
    [
      { turn: 1, verdict: 'violates', clause: 'honesty', rule: undefined, source: 'note', at: 'violates [[honesty]]: it cannot send email' },
      { turn: 3, verdict: 'complies', clause: undefined, rule: 'needless-refusal', source: 'review', at: 'reviewed needless-refusal: fine here' },
    ],
  );
});

test('a JSON note labels its message, with the clause cited on its line', () => {
  const json = JSON.stringify({
    messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Great question!', note: 'complies [[tone]]\nviolates [[flattery]] sycophantic-opener: opens with praise' },
    ],
  });
  const labels = noteLabels(parseTranscript(json, 'x.json').conversations[0]);
  assert.deepEqual(
    labels.map((l) => [l.verdict, l.clause, l.rule]),
    [
      ['complies', 'tone', undefined],
      ['violates', 'flattery', 'sycophantic-opener'],
    ],
  );
});

test('a dataset record labels its target turn, else its last assistant turn; undecided values give no label', () => {
  const line = (o: object) => parseTranscript(JSON.stringify(o), 'r.json').conversations[0];
  const targeted = line({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }, { role: 'assistant', content: 'd' }], target_turn: 1, label: 'violation' });
  assert.deepEqual(recordLabel(targeted, 'violation', '#do_not_lie'), { conversation: 0, turn: 1, verdict: 'violates', clause: 'do_not_lie', reason: '', source: 'record' });
  const plain = line({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] });
  assert.equal(recordLabel(plain, 'ok', undefined)?.turn, 1);
  assert.equal(recordLabel(plain, 'ambiguous', 'x'), undefined);
  assert.deepEqual(recordLabel(plain, '2_full_refusal', 'spec#refusal_style', { violation: ['2_full_refusal'], ok: ['1_full_compliance'] }), {
    conversation: 0,
    turn: 1,
    verdict: 'violates',
    clause: 'refusal_style',
    constitution: 'spec',
    reason: '',
    source: 'record',
  });
  assert.equal(fieldAt({ meta: { final_label: 'x' } }, 'meta.final_label'), 'x');
  assert.equal(fieldAt({ meta: 'x' }, 'meta.final_label'), undefined);
});

test("Cohen's kappa from a 2x2 table, against values worked by hand", () => {
  // 20 items: both yes 5, both no 10, judge-only 3, reviewer-only 2. po = 0.75, pe = (8*7 + 12*13)/400 = 0.53.
  assert.ok(Math.abs(cohensKappa(5, 3, 2, 10)! - (0.75 - 0.53) / (1 - 0.53)) < 1e-12);
  assert.equal(cohensKappa(4, 0, 0, 6), 1);
  assert.equal(cohensKappa(0, 0, 0, 5), null, 'one answer throughout leaves nothing to compare beyond chance');
  assert.equal(cohensKappa(0, 0, 0, 0), null);
});

const clauses: KnownClause[] = [
  { constitution: 'house', clause: 'honesty', rules: ['claims-action'] },
  { constitution: 'house', clause: 'helpfulness', rules: ['needless-refusal', 'caveat-pile'] },
];
const label = (turn: number, verdict: 'violates' | 'complies', more: Partial<Label> = {}): Label => ({ conversation: 0, turn, verdict, reason: '', source: 'note', ...more });
const said = (turn: number, clause: string, rule: string): JudgeVerdict => ({ conversation: 0, turn, clause, constitution: 'house', rule, severity: 'warning' });

test('agreement per clause and per rule, counted by hand', () => {
  const labels = [
    label(1, 'violates', { clause: 'honesty' }), // flagged by claims-action: TP
    label(3, 'violates', { clause: 'honesty' }), // not flagged: FN
    label(5, 'complies', { clause: 'honesty' }), // flagged: FP
    label(7, 'complies', { clause: 'honesty' }), // not flagged: TN
    label(9, 'complies', { rule: 'needless-refusal' }), // a review: flagged by that rule: FP for the rule and no clause row
    label(11, 'violates', { clause: 'helpfulness' }), // flagged by caveat-pile only: TP for the clause and caveat-pile, FN for needless-refusal
  ];
  const verdicts = [said(1, 'honesty', 'claims-action'), said(5, 'honesty', 'claims-action'), said(9, 'helpfulness', 'needless-refusal'), said(11, 'helpfulness', 'caveat-pile'), said(13, 'helpfulness', 'caveat-pile')];
  const a = measureAgreement({ labels, verdicts, clauses });
  const pick = (r: { clause: string | null; rule?: string; tp: number; fp: number; fn: number; tn: number; n: number }) => [r.clause, r.rule, r.n, r.tp, r.fp, r.fn, r.tn];
  assert.deepEqual(a.clauses.map(pick), [
    ['honesty', undefined, 4, 1, 1, 1, 1],
    ['helpfulness', undefined, 1, 1, 0, 0, 0],
  ]);
  assert.deepEqual(a.rules.map(pick), [
    ['honesty', 'claims-action', 4, 1, 1, 1, 1],
    ['helpfulness', 'caveat-pile', 1, 1, 0, 0, 0],
    ['helpfulness', 'needless-refusal', 2, 0, 1, 1, 0],
  ]);
  assert.deepEqual(
    a.disagreements.map((d) => [d.clause, d.label.turn, d.flagged]),
    [
      ['honesty', 3, false],
      ['honesty', 5, true],
    ],
  );
  const honesty = a.clauses[0];
  assert.equal(honesty.precision, 0.5);
  assert.equal(honesty.recall, 0.5);
  assert.equal(honesty.f1, 0.5);
  assert.equal(honesty.kappa, 0);
  assert.deepEqual(a.unmatched, []);
});

test('labels naming no clause in use are judged by any verdict on their turn, in a row of their own, and listed as unmatched', () => {
  const labels = [label(1, 'violates', { clause: 'harm avoidance' }), label(3, 'complies'), label(5, 'violates', { clause: 'honesty' })];
  const a = measureAgreement({ labels, verdicts: [said(1, 'helpfulness', 'caveat-pile'), said(3, 'honesty', 'claims-action')], clauses });
  const whole = a.clauses.find((r) => r.clause === null)!;
  assert.deepEqual([whole.constitution, whole.n, whole.tp, whole.fp, whole.fn, whole.tn], ['house', 2, 1, 1, 0, 0]);
  assert.deepEqual(
    a.unmatched.map((u) => [u.label.turn, u.reason]),
    [
      [1, 'names the clause "harm avoidance", which no constitution in use has'],
      [3, 'names no clause'],
    ],
  );
});

test('a critique judge that never saw a labelled turn counts it as unseen, not as a miss; a later label overrides an earlier one', () => {
  const labels = [label(1, 'violates', { clause: 'honesty' }), label(1, 'complies', { clause: 'honesty' }), label(3, 'violates', { clause: 'honesty' })];
  const a = measureAgreement({ labels, verdicts: [], judged: [{ conversation: 0, turn: 1 }], clauses });
  const [honesty] = a.clauses;
  assert.deepEqual([honesty.n, honesty.tn, honesty.unseen], [1, 1, 1]);
});

test('pairs: how often the judge finds more against the rejected side', () => {
  const v = (conversation: number, side: 'chosen' | 'rejected'): JudgeVerdict => ({ conversation, side, turn: 1, clause: 'honesty', severity: 'warning' });
  const a = measureAgreement({
    labels: [],
    verdicts: [v(0, 'rejected'), v(0, 'rejected'), v(1, 'chosen'), v(2, 'chosen'), v(2, 'rejected')],
    clauses,
    pairs: [{ conversation: 0 }, { conversation: 1 }, { conversation: 2 }, { conversation: 3 }],
  });
  assert.deepEqual(a.pairs, { pairs: 4, rejectedMore: 1, chosenMore: 1, equal: 2 });
});

test('demotion: a rule below the share with enough flagged labelled turns goes one severity lower; others, hints and rules turned off stay', () => {
  const text = [
    '# P {#p severity=error}',
    '',
    'Be good.',
    '',
    '```rules',
    '- {id: a, kind: phrases, message: A, phrases: [alpha]}',
    '- {id: b, kind: phrases, message: B, phrases: [beta]}',
    '- {id: c, kind: phrases, message: C, phrases: [gamma], severity: hint}',
    '- {id: d, kind: phrases, message: D, phrases: [delta]}',
    '```',
    '',
  ].join('\n');
  const ruleset = compileRuleset([{ uri: 'file:///p.constitution.md', constitution: parseConstitution(text, 'p.constitution.md') }]);
  const row = (rule: string, tp: number, fp: number) => ({ constitution: 'p', clause: 'p', rule, n: tp + fp, tp, fp, fn: 0, tn: 0, precision: tp + fp ? tp / (tp + fp) : null, recall: null, f1: null, kappa: null, unseen: 0 });
  const rows = [row('a', 3, 9), row('b', 9, 3), row('c', 0, 12), row('d', 1, 4)];
  const found = demotions(rows, ruleset, { belowPrecision: 0.5, minFlagged: 10 });
  assert.deepEqual([...found.values()], [{ rule: 'a', agreed: 3, flagged: 12, from: 'error', to: 'warning' }]);
  assert.equal(demotions(rows, ruleset, { belowPrecision: 0.5, minFlagged: 10 }, { a: 'off' }).size, 0, 'a rule turned off stays off');
  assert.deepEqual([...demotions(rows, ruleset, { belowPrecision: 0.5, minFlagged: 10 }, { a: 'info' }).values()].map((d) => d.to), ['hint'], 'a setting\'s severity is lowered in turn');
  assert.deepEqual([...demotions(rows, ruleset, { belowPrecision: 0.5, minFlagged: 5 }).keys()], ['a', 'd']);
  assert.equal(demotions(rows, ruleset, { belowPrecision: 0, minFlagged: 1 }).size, 0, '0 turns demotion off');
});
