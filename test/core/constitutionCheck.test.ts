import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConstitution } from '../../server/src/core/constitution/checkConstitution.ts';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';

function checked(text: string, name = 'x.md') {
  return checkConstitution(parseConstitution(text, name)).map((p) => [p.code, p.severity, text.slice(p.span.start, p.span.end)]);
}

test('a second clause with the same id is reported at its id', () => {
  const text = '# One {#a}\n\nx\n\n# Two {#a}\n\ny\n';
  assert.deepEqual(checkConstitution(parseConstitution(text, 'x.md')).map((p) => [p.code, p.span]), [
    ['constitution.duplicate-id', { start: text.lastIndexOf('{#a') + 2, end: text.lastIndexOf('{#a') + 3 }],
  ]);
});

test('a slug steps around an explicit id, so the two do not clash', () => {
  const text = '# Foo\n\nx\n\n# Other {#foo}\n\ny\n';
  assert.deepEqual(parseConstitution(text, 'x.md').clauses.map((c) => c.id), ['foo-1', 'foo']);
  assert.deepEqual(checked(text), []);
});

test('a link to a missing clause is reported at the id; links to clauses are fine', () => {
  assert.deepEqual(checked('# A {#a}\n\nSee [b](#b), [?](#nowhere) and [a](#a).\n\n# B {#b}\n\ny\n'), [
    ['constitution.broken-reference', 'error', 'nowhere'],
  ]);
});

test('a clause without text is a warning unless it has subsections', () => {
  assert.deepEqual(checked('# Parent\n\n## Child\n\n## Empty child\n\n## Last\n\nText.\n'), [
    ['constitution.empty-clause', 'warning', '## Child'],
    ['constitution.empty-clause', 'warning', '## Empty child'],
  ]);
});

test('a level the order does not name is reported at the attribute', () => {
  const text = '---\norder: [safe, helpful]\n---\n# A {#a priority=safe}\n\nx\n\n# B {#b priority=kind}\n\ny\n\n# C {#c priority=hard-constraints}\n\nz\n';
  assert.deepEqual(checked(text), [['constitution.unknown-priority', 'warning', 'priority=kind']]);
  assert.deepEqual(checked('# A {#a priority=first}\n\nx\n'), [['constitution.unknown-priority', 'warning', 'priority=first']]);
});

test('the same checks apply to structured constitutions', () => {
  const text = 'order: [safe]\nprinciples:\n  - id: a\n    text: x\n  - id: a\n    text: y\n    priority: bold\n  - id: c\n';
  assert.deepEqual(checked(text, 'x.constitution.yaml'), [
    ['constitution.duplicate-id', 'error', 'a'],
    ['constitution.unknown-priority', 'warning', 'priority: bold'],
    ['constitution.empty-clause', 'warning', 'id: c'],
  ]);
});
