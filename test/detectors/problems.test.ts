import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, constitutionText, ruleset, seen } from './helpers.ts';

test('a bad pattern is an error at the pattern, and the other detectors still run', () => {
  const text = constitutionText(`- id: broken
  kind: regex
  message: Broken
  pattern: '(unclosed'
- id: ok
  kind: phrases
  message: Fine
  phrases: [it depends]`);
  const rs = ruleset(text);
  assert.equal(rs.problems.length, 1);
  const { problem } = rs.problems[0];
  assert.equal(problem.code, 'rule.invalid-pattern');
  assert.equal(problem.severity, 'error');
  assert.deepEqual(problem.span, { start: text.indexOf("'(unclosed'"), end: text.indexOf("'(unclosed'") + "'(unclosed'".length });
  assert.match(problem.message, /Unterminated group/);
  const src = 'User: q\nAssistant: it depends\n';
  assert.deepEqual(seen(src, check(rs, src)), [['ok', 'it depends', src.indexOf('it depends')]]);
});

test('one bad pattern of several drops only itself', () => {
  const text = constitutionText(`- id: two
  kind: regex
  message: Two
  pattern: ['[z-a]', 'emailed']`);
  const rs = ruleset(text);
  assert.deepEqual(
    rs.problems.map((p) => [p.problem.code, text.slice(p.problem.span.start, p.problem.span.end)]),
    [['rule.invalid-pattern', "'[z-a]'"]],
  );
  assert.equal(check(rs, 'User: q\nAssistant: I emailed him\n').length, 1);
});

test('unknown fields, kinds and roles are problems at their places', () => {
  const text = constitutionText(`- id: a
  kind: phrases
  message: A
  phrases: [x]
  colour: red
  min: 2
- id: b
  kind: sentiment
  message: B
- id: c
  kind: phrases
  roles: [assistant, robot]
  message: C
  phrases: [y]`);
  const rs = ruleset(text);
  assert.deepEqual(
    rs.problems.map((p) => [p.problem.code, p.problem.severity, text.slice(p.problem.span.start, p.problem.span.end)]),
    [
      ['rule.unknown-field', 'warning', 'colour'],
      ['rule.unknown-field', 'warning', 'min'],
      ['rule.unknown-kind', 'error', 'sentiment'],
      ['rule.invalid-field', 'error', 'robot'],
    ],
  );
  assert.deepEqual(
    rs.detectors.map((d) => d.spec.id),
    ['a', 'c'],
  );
});

test('missing fields and duplicate ids are reported', () => {
  const text = constitutionText(`- id: a
  kind: phrases
  phrases: [x]
- kind: phrases
  message: no id
  phrases: [x]
- id: d
  kind: phrases
  message: D
  phrases: [x]
- id: d
  kind: phrases
  message: D again
  phrases: [y]`);
  const rs = ruleset(text);
  assert.deepEqual(
    rs.problems.map((p) => p.problem.code),
    ['rule.missing-field', 'rule.missing-field', 'rule.duplicate-id'],
  );
  const dup = rs.problems[2].problem.span;
  assert.equal(dup.start, text.lastIndexOf('id: d') + 4);
});
