import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { compileRuleset, exampleProblems, runExamples } from '../../server/src/core/detectors/index.ts';
import { readModelFiles } from '../../server/src/modelFiles.ts';

const path = 'constitutions/starter.constitution.md';
const text = readFileSync(path, 'utf8');
const constitution = parseConstitution(text, 'starter.constitution.md');
// As the commands and the server read it: with the model files of its learned detectors beside it.
const ruleset = compileRuleset([{ uri: path, constitution, models: readModelFiles(path, constitution) }]);
const reports = runExamples(ruleset);

test('the starter constitution parses and compiles without problems', () => {
  assert.deepEqual(constitution.problems, []);
  assert.deepEqual(ruleset.problems, []);
  assert.deepEqual(constitution.order?.levels.map((l) => l.name), ['safety', 'honesty', 'respect', 'helpfulness']);
});

test('the starter constitution covers its subjects, for assistants and for operators', () => {
  const ids = ruleset.detectors.map((d) => d.spec.id);
  for (const id of [
    'needless-refusal',
    'wishy-washy',
    'caveat-pile',
    'moralising',
    'sycophantic-opener',
    'condescension',
    'claims-to-be-human',
    'claims-impossible-action',
    'overclaimed-certainty',
    'operator-deny-ai',
    'operator-suppress-safety',
    'operator-covert-data',
    'operator-never-refuse',
    'operator-demean-users',
    'operator-hide-limits',
  ]) {
    assert.ok(ids.includes(id), id);
  }
  for (const d of ruleset.detectors.filter((d) => d.spec.id.startsWith('operator-'))) {
    assert.deepEqual(d.spec.roles, ['system', 'developer'], d.spec.id);
  }
});

for (const report of reports) {
  test(report.rule, () => {
    const flags = report.detector.spec.examples.filter((e) => e.expect === 'flag').length;
    assert.ok(flags >= 3, `${report.rule} has ${flags} flag examples`);
    assert.ok(report.total - flags >= 3, `${report.rule} has ${report.total - flags} pass examples`);
    assert.deepEqual(
      report.failures.map((f) => `${f.expect}: ${f.text}`),
      [],
    );
  });
}

test('a failing example is a problem at the example', () => {
  const src = `# T\n\n## A {#a}\n\n\`\`\`rules\n- id: x\n  kind: phrases\n  message: X\n  phrases: [sorry]\n  examples:\n    flag: [Hello there]\n    pass: [Sorry!, fine]\n\`\`\`\n`;
  const rs = compileRuleset([{ uri: 'u', constitution: parseConstitution(src, 't.constitution.md') }]);
  const problems = exampleProblems(runExamples(rs));
  assert.deepEqual(
    problems.map((p) => [p.problem.code, src.slice(p.problem.span.start, p.problem.span.end)]),
    [
      ['rule.example-failed', 'Hello there'],
      ['rule.example-failed', 'Sorry!'],
    ],
  );
});
