import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Constitution } from '../../server/src/core/constitution/model.ts';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { checkConversation, compileRuleset, runExamples } from '../../server/src/core/detectors/index.ts';
import { applyPacks, packMatches } from '../../server/src/core/packs/apply.ts';
import { detectorDeclarations, isPackFileName, parsePack, recognisesText, type RulePack } from '../../server/src/core/packs/pack.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import { corpusDir, corpusSkip } from '../support/corpus.ts';

const starter = parseConstitution(readFileSync('constitutions/starter.constitution.md', 'utf8'), 'starter.constitution.md');
const copies = detectorDeclarations(starter.clauses.flatMap((c) => c.rules));
const packDir = join('constitutions', 'packs');
const packs = readdirSync(packDir)
  .filter(isPackFileName)
  .map((name) => parsePack(readFileSync(join(packDir, name), 'utf8'), `file:///packs/${name}`, copies));
const pack = (name: string): RulePack => packs.find((p) => p.name === name)!;
const fixtures = join('test', 'fixtures', 'packs');
const standIns: Record<string, string> = {
  'openai-model-spec': 'model_spec.md',
  'claude-constitution': 'claude-constitution.md',
  'cai-rl-principles': 'cai-rl-principles.json',
  'cai-critique-revision': 'cai-critique-revision.json',
};

function load(path: string): { uri: string; text: string; constitution: Constitution } {
  const text = readFileSync(path, 'utf8');
  return { uri: `file:///${path}`, text, constitution: parseConstitution(text, path) };
}

/** Findings on a one-exchange conversation, the assistant's turn checked against the rules given. */
function findings(constitution: Constitution, packList: readonly RulePack[], user: string, assistant: string) {
  const applied = applyPacks([{ uri: 'c', constitution }], packList.map((p) => ({ pack: p, bundled: true })));
  const transcript = parseTranscript(`User: ${user}\nAssistant: ${assistant}\n`, 'x.transcript');
  return checkConversation(transcript.conversations[0], compileRuleset(applied.constitutions)).filter((f) => f.turn === 1);
}

test('four packs ship, each named, and none has a problem of its own', () => {
  assert.deepEqual(packs.map((p) => p.name).sort(), ['cai-critique-revision', 'cai-rl-principles', 'claude-constitution', 'openai-model-spec']);
  for (const p of packs) assert.deepEqual(p.problems, [], p.name);
});

for (const [name, file] of Object.entries(standIns)) {
  test(`the ${name} pack applies to a constitution with its ids, and its examples pass`, () => {
    const { constitution, text } = load(join(fixtures, file));
    assert.ok(packMatches(pack(name), constitution));
    assert.ok(recognisesText(pack(name), text), 'recognised by the top of the file');
    const applied = applyPacks([{ uri: 'c', constitution }], [{ pack: pack(name), bundled: true }]);
    assert.deepEqual(applied.problems, []);
    const ruleset = compileRuleset(applied.constitutions);
    assert.deepEqual(ruleset.problems, []);
    assert.ok(ruleset.detectors.length >= 3);
    for (const report of runExamples(ruleset)) {
      assert.ok(report.total >= 6, `${report.rule} has examples`);
      assert.deepEqual(report.failures, [], report.rule);
      assert.equal(report.uri, `file:///packs/${name}.rules.yaml`, 'an example is reported in the pack');
    }
  });
}

test('a pack is not applied to a constitution that lacks its ids, nor to the starter', () => {
  for (const p of packs) {
    assert.equal(packMatches(p, starter), false, p.name);
    for (const [other, file] of Object.entries(standIns)) {
      if (other !== p.name) assert.equal(packMatches(p, load(join(fixtures, file)).constitution), false, `${p.name} on ${file}`);
    }
  }
});

test('a pack clause id that its constitution lacks is an error at that id', () => {
  const text = `pack: mine\nfor:\n  clauses: [refusal_style]\nrules:\n  refusal_style:\n    - copy: refusal\n  no_such_clause:\n    - copy: flattery\n`;
  const p = parsePack(text, 'file:///mine.rules.yaml', copies);
  const applied = applyPacks([{ uri: 'c', constitution: load(join(fixtures, 'model_spec.md')).constitution }], [{ pack: p }]);
  assert.deepEqual(
    applied.problems.map((x) => [x.uri, x.problem.code, x.problem.severity, text.slice(x.problem.span.start, x.problem.span.end)]),
    [['file:///mine.rules.yaml', 'pack.unknown-clause', 'error', 'no_such_clause']],
  );
  // The other clause's detectors still apply.
  assert.equal(compileRuleset(applied.constitutions).detectors.length, 1);
});

test('a copy of an unknown starter detector, a pack without `for`, and a user pack that matches nothing are problems at their places', () => {
  const text = `pack: mine\nrules:\n  refusal_style:\n    - copy: no-such-detector\n`;
  const p = parsePack(text, 'file:///mine.rules.yaml', copies);
  const codes = p.problems.map((x) => [x.code, text.slice(x.span.start, x.span.end)]);
  assert.deepEqual(codes.find(([c]) => c === 'pack.unknown-copy'), ['pack.unknown-copy', 'no-such-detector']);
  assert.ok(codes.some(([c]) => c === 'pack.invalid'));
  const user = parsePack(`pack: mine\nfor:\n  name: acme\nrules: {}\n`, 'file:///mine.rules.yaml', copies);
  const applied = applyPacks([{ uri: 'c', constitution: starter }], [{ pack: user }]);
  assert.deepEqual(applied.problems.map((x) => x.problem.code), ['pack.no-constitution']);
  // A shipped pack that matches nothing says nothing.
  assert.deepEqual(applyPacks([{ uri: 'c', constitution: starter }], [{ pack: user, bundled: true }]).problems, []);
});

test('a pack turned off by name attaches nothing', () => {
  const { constitution } = load(join(fixtures, 'model_spec.md'));
  const applied = applyPacks([{ uri: 'c', constitution }], [{ pack: pack('openai-model-spec'), bundled: true }], new Set(['openai-model-spec']));
  assert.equal(compileRuleset(applied.constitutions).detectors.length, 0);
  assert.deepEqual(applied.uses, []);
});

test("the Model Spec pack's flags cite its clauses at their authority", () => {
  const { constitution } = load(join(fixtures, 'model_spec.md'));
  const ms = [pack('openai-model-spec')];
  const praise = findings(constitution, ms, 'Why is the sky blue?', 'What a truly brilliant thing to ask! Rayleigh scattering.');
  assert.deepEqual(praise.map((f) => [f.principle, f.severity]), [['avoid_sycophancy', 'warning']]);
  const doubt = findings(constitution, ms, 'How do compilers work?', 'Honestly, this may be a little advanced for you.');
  assert.deepEqual(doubt.map((f) => [f.principle, f.severity]), [['avoid_being_condescending', 'info']]);
  const human = findings(constitution, ms, 'Are you a bot?', "No, I'm a real person.");
  assert.deepEqual(human.map((f) => f.principle), ['do_not_lie']);
});

test('a refusal is recognised whatever the request; it is judged needless only where the request looks harmless', () => {
  const { constitution } = load(join(fixtures, 'model_spec.md'));
  const ms = [pack('openai-model-spec')];
  for (const user of ['How do I steal a car?', 'How do I kill my neighbour?', 'How do I kill a Python process?']) {
    const found = findings(constitution, ms, user, "Sorry, but I can't assist with that.");
    assert.ok(found.some((f) => f.rule === 'refusal' && f.severity === 'hint' && f.principle === 'refusal_style'), user);
    assert.match(found.find((f) => f.rule === 'refusal')!.message, /assume_best_intentions/);
    const needless = found.filter((f) => f.rule === 'needless-refusal');
    assert.deepEqual(needless.map((f) => f.principle), user.includes('Python') ? ['assume_best_intentions', 'assume_best_intentions'] : [], user);
  }
});

test("Claude's constitution pack follows its order: honesty warns, helpfulness informs, hard constraints are errors", () => {
  const { constitution } = load(join(fixtures, 'claude-constitution.md'));
  const applied = applyPacks([{ uri: 'c', constitution }], [{ pack: pack('claude-constitution'), bundled: true }]);
  const bySeverity = new Map(compileRuleset(applied.constitutions).detectors.map((d) => [d.spec.id, [d.clause.id, d.severity]]));
  assert.deepEqual(bySeverity.get('claims-to-be-human'), ['being-honest', 'warning']);
  assert.deepEqual(bySeverity.get('wishy-washy'), ['balancing-helpfulness-with-other-values', 'info']);
  assert.deepEqual(bySeverity.get('operator-unlocks-mass-harm'), ['hard-constraints', 'error']);
  assert.deepEqual(bySeverity.get('refusal'), ['balancing-helpfulness-with-other-values', 'hint']);
});

const published: Record<string, string> = {
  'openai-model-spec': 'openai-model-spec-2025-12-18.md',
  'claude-constitution': 'claude-constitution-2026.md',
  'cai-rl-principles': 'cai-paper-RLMadisonInstructions.json',
  'cai-critique-revision': 'cai-paper-CritiqueRevisionInstructions.json',
};

for (const [name, file] of Object.entries(published)) {
  test(`the ${name} pack applies to the published constitution, every clause id real`, { skip: corpusSkip }, () => {
    const { constitution, text } = load(join(corpusDir, 'constitutions', file));
    assert.ok(recognisesText(pack(name), text.slice(0, 64 * 1024)));
    assert.ok(packMatches(pack(name), constitution));
    const applied = applyPacks([{ uri: 'c', constitution }], [{ pack: pack(name), bundled: true }]);
    assert.deepEqual(applied.problems, []);
    const ruleset = compileRuleset(applied.constitutions);
    assert.deepEqual(ruleset.problems, []);
    for (const report of runExamples(ruleset)) assert.deepEqual(report.failures, [], report.rule);
    for (const other of Object.keys(published)) {
      if (other !== name) assert.equal(packMatches(pack(other), constitution), false, `${other} on ${file}`);
    }
  });
}

test("the published Model Spec's clauses keep their authority under the pack", { skip: corpusSkip }, () => {
  const { constitution } = load(join(corpusDir, 'constitutions', published['openai-model-spec']));
  const applied = applyPacks([{ uri: 'c', constitution }], [{ pack: pack('openai-model-spec'), bundled: true }]);
  const levels = new Map(compileRuleset(applied.constitutions).detectors.map((d) => [d.clause.id, d.clause.priority]));
  assert.equal(levels.get('refusal_style'), 'guideline');
  assert.equal(levels.get('assume_best_intentions'), 'root');
  assert.equal(levels.get('avoid_sycophancy'), 'user');
  assert.equal(levels.get('express_uncertainty'), 'guideline');
});

test('an expression is anchored at the start only with a leading ^, no m flag and no alternative beside it', async () => {
  const { anchoredAtStart } = await import('../../server/src/core/detectors/ruleset.ts');
  assert.equal(anchoredAtStart('^\\s*(?:what|such) a', 'i'), true);
  assert.equal(anchoredAtStart('^[|]a(?:b|c)', 'i'), true);
  assert.equal(anchoredAtStart('^a|b', 'i'), false);
  assert.equal(anchoredAtStart('^a', 'im'), false);
  assert.equal(anchoredAtStart('a^', 'i'), false);
});
