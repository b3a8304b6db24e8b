import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { checkTranscript, compileRuleset, readDetectors, runExamples, type Ruleset } from '../../server/src/core/detectors/index.ts';
import { declarationHash } from '../../server/src/core/detectors/learnedRule.ts';
import type { ModelFileRead } from '../../server/src/core/detectors/types.ts';
import { learnedSection } from '../../server/src/core/features/learnedHover.ts';
import { serialiseModel } from '../../server/src/core/learned/model.ts';
import { trainModel } from '../../server/src/core/learned/train.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import { labelledTurns } from '../learned/support.ts';
import { constitutionText, uri } from './helpers.ts';

const learnedRule = [
  '- id: refuses',
  '  kind: learned',
  '  message: Refuses',
  '  model: refuses.model.json',
  '  train:',
  '    from: [data/labelled.jsonl]',
  '    label: meta.final_label',
  '    positive: [2_full_refusal]',
  '- id: flattery',
  '  kind: phrases',
  '  message: Flatters',
  '  phrases: [great question]',
].join('\n');

const text = constitutionText(learnedRule);
const constitution = parseConstitution(text, 'test.constitution.md');

/** The model file the rule's declaration would get from `train`, over the template turns. */
function modelText(declaration = constitution): string {
  const spec = declaration.clauses.flatMap((c) => c.rules.flatMap((r) => readDetectors(r).detectors)).find((d) => d.id === 'refuses')!;
  const { model } = trainModel({ rule: 'refuses', turns: labelledTurns(), examples: [], data: [], context: false, spec: declarationHash(spec), licence: 'test' });
  return serialiseModel(model);
}

function compiled(models?: Record<string, ModelFileRead>, c = constitution): Ruleset {
  return compileRuleset([models ? { uri, constitution: c, models } : { uri, constitution: c }]);
}

const transcript = [
  'User: Where can I shoot a good photo?',
  'Assistant: That is a fine question to ask. Sorry, but I cannot help you with that request.',
  'User: Great question?',
  'Assistant: Great question! Here are three steps to shoot a photo at sunrise: prepare, act carefully, then review.',
  '',
].join('\n');

test('a learned detector flags a refusal, underlines its strongest words, and says why', () => {
  const rs = compiled({ 'refuses.model.json': { text: modelText() } });
  assert.deepEqual(rs.problems, []);
  const findings = checkTranscript(parseTranscript(transcript, 'a.transcript'), rs);
  const refusal = findings.find((f) => f.rule === 'refuses');
  assert.ok(refusal, JSON.stringify(findings.map((f) => f.rule)));
  assert.equal(refusal.turn, 1);
  const turnStart = transcript.indexOf('That is a fine');
  const turnEnd = transcript.indexOf('\nUser: Great');
  const underlined = transcript.slice(refusal.span.start, refusal.span.end);
  assert.ok(refusal.span.start >= turnStart && refusal.span.end <= turnEnd, `${refusal.span.start}-${refusal.span.end} in ${turnStart}-${turnEnd}: ${underlined}`);
  assert.ok(refusal.span.end - refusal.span.start < turnEnd - turnStart, 'not the whole turn');
  assert.match(underlined, /cannot|Sorry/);
  const e = refusal.learned!;
  assert.ok(e.score >= e.threshold);
  assert.ok(e.top.length > 0);
  // The heaviest n-grams, found when first read, are those the model's explanation of the turn names.
  const scorer = rs.detectors.find((d) => d.spec.id === 'refuses')!.learned!.scorer!;
  assert.deepEqual(e.top, scorer.explain('That is a fine question to ask. Sorry, but I cannot help you with that request.').top);
  assert.equal(e.top, e.top, 'the n-grams are found once and kept');
  assert.match(refusal.message, /^Refuses \(score 0\.\d\d, threshold 0\.\d\d\): "/);
  const hover = learnedSection(e);
  assert.match(hover, /score \*\*0\.\d\d\*\* \(flags at 0\.\d\d and above\)/);
  assert.match(hover, /Cross-validated on 80 labelled turns: precision \d+%, recall \d+%, F1 \d\.\d\d/);
  assert.match(hover, /Weighed most: `/);
  assert.ok(findings.some((f) => f.rule === "flattery" && f.turn === 3), JSON.stringify(findings.map((f) => [f.rule, f.turn])));
  assert.ok(!findings.some((f) => f.rule === "refuses" && f.turn === 3), JSON.stringify(findings.map((f) => [f.rule, f.turn, f.message])));
});

test('a missing or malformed model is a problem at the rule, and the other detectors still run', () => {
  const modelAt = text.indexOf('refuses.model.json');
  for (const [models, code] of [
    [undefined, 'rule.model-missing'],
    [{ 'refuses.model.json': { unreadable: 'no such file' } }, 'rule.model-missing'],
    [{ 'refuses.model.json': { text: '{"version": 1' } }, 'rule.model-invalid'],
    [{ 'refuses.model.json': { text: JSON.stringify({ version: 7 }) } }, 'rule.model-invalid'],
  ] as const) {
    const rs = compiled(models);
    assert.deepEqual(
      rs.problems.map((p) => [p.problem.code, p.problem.span.start, p.problem.severity]),
      [[code, modelAt, 'error']],
    );
    assert.match(rs.problems[0].problem.message, /constitution-lens train CONSTITUTION --rule refuses/);
    const findings = checkTranscript(parseTranscript(transcript, 'a.transcript'), rs);
    assert.deepEqual([...new Set(findings.map((f) => f.rule))], ['flattery']);
  }
});

test('a stale model is a warning at the rule and still runs: changed training data, or a changed declaration', () => {
  const byData = compiled({ 'refuses.model.json': { text: modelText(), stale: ['data/labelled.jsonl'] } });
  assert.deepEqual(byData.problems.map((p) => [p.problem.code, p.problem.severity]), [['rule.model-stale', 'warning']]);
  assert.match(byData.problems[0].problem.message, /training data changed \(data\/labelled\.jsonl\)/);
  assert.ok(checkTranscript(parseTranscript(transcript, 'a.transcript'), byData).some((f) => f.rule === 'refuses'));

  const edited = parseConstitution(constitutionText(learnedRule.replace('positive: [2_full_refusal]', 'positive: [2_full_refusal, 3_partial_refusal]')), 'test.constitution.md');
  const byDeclaration = compiled({ 'refuses.model.json': { text: modelText() } }, edited);
  assert.deepEqual(byDeclaration.problems.map((p) => p.problem.code), ['rule.model-stale']);
  assert.match(byDeclaration.problems[0].problem.message, /`train` block or examples changed/);
});

test('a learned detector without a model field, or with a bad train block, is a problem at its place', () => {
  const rs = compiled(
    {},
    parseConstitution(
      constitutionText(
        [
          '- id: a',
          '  kind: learned',
          '  message: A',
          '- id: b',
          '  kind: learned',
          '  message: B',
          '  model: b.model.json',
          '  threshold: 2',
          '  train:',
          '    from: [x.jsonl]',
          '    context: assistant',
          '    weights: 3',
        ].join('\n'),
      ),
      'test.constitution.md',
    ),
  );
  assert.deepEqual(rs.problems.map((p) => p.problem.code).sort(), [
    'rule.invalid-field',
    'rule.invalid-field',
    'rule.missing-field',
    'rule.missing-field',
    'rule.model-missing',
    'rule.unknown-field',
  ]);
});

test("a learned detector's examples run as tests against its model", () => {
  const withExamples = learnedRule.replace(
    '    positive: [2_full_refusal]',
    ['    positive: [2_full_refusal]', '  examples:', '    flag: ["Sorry, but I cannot help you with that."]', '    pass: ["To bake bread, knead the dough for ten minutes."]'].join('\n'),
  );
  const c = parseConstitution(constitutionText(withExamples), 'test.constitution.md');
  const rs = compiled({ 'refuses.model.json': { text: modelText(c) } }, c);
  const report = runExamples(rs).find((r) => r.rule === 'refuses')!;
  assert.equal(report.total, 2);
  assert.deepEqual(report.failures, []);
});

test('the guards and a severity of off apply to a learned detector as to any other', () => {
  const guarded = parseConstitution(constitutionText(learnedRule.replace('  model: refuses.model.json', '  model: refuses.model.json\n  unless-user: [photo]')), 'test.constitution.md');
  const rs = compiled({ 'refuses.model.json': { text: modelText(guarded) } }, guarded);
  const parsed = parseTranscript(transcript, 'a.transcript');
  assert.ok(!checkTranscript(parsed, rs).some((f) => f.rule === 'refuses' && f.turn === 1), 'the user turn names a photo');
  const plain = compiled({ 'refuses.model.json': { text: modelText() } });
  assert.ok(checkTranscript(parsed, plain).some((f) => f.rule === 'refuses'));
  assert.ok(!checkTranscript(parsed, plain, { severityOverrides: { refuses: 'off' } }).some((f) => f.rule === 'refuses'));
});
