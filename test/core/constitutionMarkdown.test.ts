import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { slugify } from '../../server/src/core/constitution/slug.ts';
import type { Span } from '../../server/src/core/text.ts';

/** The span of the `occurrence`-th appearance of `needle` in `text`. */
function spanOf(text: string, needle: string, occurrence = 0): Span {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" occurs ${occurrence + 1} times`);
  }
  return { start: at, end: at + needle.length };
}

const doc = [
  '---',
  'name: acme',
  'title: Acme rules',
  'order:',
  '  kind: priority',
  '  levels: [safe, ethical, {name: helpful, description: Of use}]',
  'hard-constraints: [no_weapons]',
  '---',
  '# Acme {#acme}',
  '',
  'Intro text.',
  '',
  '## Be safe {#be_safe priority=safe severity=error note="two words"}',
  '',
  'Stay safe; see [honesty](#be_honest).',
  '',
  '### Sub point',
  '',
  'Inherits safe.',
  '',
  '## Be honest {#be_honest priority=ethical}',
  '',
  'Never lie. [?](#missing)',
  '',
  '```rules',
  '- pattern: "lie"',
  '```',
  '',
  '## No weapons {#no_weapons}',
  '',
  'Never.',
  '',
  'Be kind!',
  '========',
  '',
  'Kind text with `[x](#be_safe)` code.',
  '',
  '```md',
  '# Not a heading',
  '```',
  '',
  '## Be kind! ##',
  '',
  'Again.',
  '',
].join('\n');

test('front matter names the constitution and states its order', () => {
  const c = parseConstitution(doc, 'docs/acme.constitution.md');
  assert.equal(c.format, 'markdown');
  assert.equal(c.name, 'acme');
  assert.equal(c.title, 'Acme rules');
  assert.deepEqual(c.problems, []);
  assert.equal(c.order?.kind, 'priority');
  assert.deepEqual(c.order?.levels, [
    { name: 'safe', rank: 0 },
    { name: 'ethical', rank: 1 },
    { name: 'helpful', rank: 2, description: 'Of use' },
  ]);
  // The yaml library ends a block map after its last line break.
  assert.deepEqual(c.order?.span, { start: doc.indexOf('kind'), end: doc.indexOf('hard-constraints') });
  assert.equal(c.metadata.name, 'acme');
});

test('every heading outside code is a clause, with explicit ids, slugs and setext headings', () => {
  const c = parseConstitution(doc, 'acme.constitution.md');
  assert.deepEqual(
    c.clauses.map((x) => [x.id, x.level, x.explicitId, x.parent]),
    [
      ['acme', 1, true, undefined],
      ['be_safe', 2, true, 0],
      ['sub-point', 3, false, 1],
      ['be_honest', 2, true, 0],
      ['no_weapons', 2, true, 0],
      ['be-kind', 1, false, undefined],
      ['be-kind-1', 2, false, 5],
    ],
  );
  assert.deepEqual(c.clauses[0].children, [1, 3, 4]);
  for (const clause of c.clauses) {
    assert.equal(doc.slice(clause.titleSpan.start, clause.titleSpan.end), clause.title);
    if (clause.idSpan) assert.equal(doc.slice(clause.idSpan.start, clause.idSpan.end), clause.id);
    assert.equal(doc.slice(clause.textSpan.start, clause.textSpan.end), clause.text);
  }
  const setext = c.clauses[5];
  assert.equal(setext.title, 'Be kind!');
  assert.deepEqual(setext.headingSpan, spanOf(doc, 'Be kind!\n========'));
  assert.equal(setext.text, 'Kind text with `[x](#be_safe)` code.\n\n```md\n# Not a heading\n```');
  assert.deepEqual(setext.references, []);
  assert.equal(c.clauses[6].title, 'Be kind!');
  assert.deepEqual(c.clauses[6].headingSpan, spanOf(doc, '## Be kind! ##'));
  assert.deepEqual(c.clauses[6].span, { start: doc.indexOf('## Be kind! ##'), end: doc.indexOf('Again.') + 'Again.'.length });
});

test('anchors carry attributes, quoted or not', () => {
  const c = parseConstitution(doc, 'acme.constitution.md');
  const safe = c.clauses[1];
  assert.deepEqual(safe.idSpan, spanOf(doc, 'be_safe'));
  assert.deepEqual(safe.titleSpan, spanOf(doc, 'Be safe'));
  assert.deepEqual(safe.headingSpan, spanOf(doc, '## Be safe {#be_safe priority=safe severity=error note="two words"}'));
  assert.deepEqual(safe.attributes, [
    { key: 'priority', value: 'safe', span: spanOf(doc, 'priority=safe') },
    { key: 'severity', value: 'error', span: spanOf(doc, 'severity=error') },
    { key: 'note', value: 'two words', span: spanOf(doc, 'note="two words"') },
  ]);
  assert.equal(safe.severity, 'error');
});

test('a clause runs to the next heading of its level; its own text stops at its first subsection', () => {
  const c = parseConstitution(doc, 'acme.constitution.md');
  const safe = c.clauses[1];
  assert.equal(safe.text, 'Stay safe; see [honesty](#be_honest).');
  assert.deepEqual(safe.textSpan, spanOf(doc, 'Stay safe; see [honesty](#be_honest).'));
  assert.deepEqual(safe.span, { start: doc.indexOf('## Be safe'), end: doc.indexOf('Inherits safe.') + 'Inherits safe.'.length });
  assert.equal(c.clauses[0].text, 'Intro text.');
  assert.deepEqual(c.clauses[0].span, { start: doc.indexOf('# Acme'), end: doc.indexOf('Never.') + 'Never.'.length });
});

test('cross-references record the link and the id', () => {
  const c = parseConstitution(doc, 'acme.constitution.md');
  assert.deepEqual(c.clauses[1].references, [
    { targetId: 'be_honest', span: spanOf(doc, '[honesty](#be_honest)'), idSpan: spanOf(doc, 'be_honest') },
  ]);
  assert.deepEqual(c.clauses[3].references, [{ targetId: 'missing', span: spanOf(doc, '[?](#missing)'), idSpan: spanOf(doc, 'missing') }]);
});

test('reference definitions pointing at a clause are cross-references', () => {
  const text = '# A\n\nSee [the rule][r].\n\n[r]: #b\n\n# B {#b}\n\nText.\n';
  const c = parseConstitution(text, 'x.md');
  assert.deepEqual(c.clauses[0].references, [{ targetId: 'b', span: spanOf(text, '[r]: #b'), idSpan: { start: text.indexOf('#b') + 1, end: text.indexOf('#b') + 2 } }]);
});

test('rules blocks belong to the innermost clause and keep their YAML with places', () => {
  const c = parseConstitution(doc, 'acme.constitution.md');
  const rules = c.clauses[3].rules;
  assert.equal(rules.length, 1);
  assert.deepEqual(rules[0].span, spanOf(doc, '- pattern: "lie"\n'));
  assert.equal(rules[0].value?.kind, 'seq');
  const item = rules[0].value?.kind === 'seq' ? rules[0].value.items[0] : undefined;
  assert.deepEqual(item?.kind === 'map' ? item.entries[0].value.span : undefined, spanOf(doc, '"lie"'));
});

test('a YAML error in a rules block is reported at its place in the file', () => {
  const text = '# A\n\nText.\n\n```rules\npattern: 1\npattern: 2\n```\n\n# B\n\nStill parsed.\n';
  const c = parseConstitution(text, 'x.md');
  assert.equal(c.clauses[0].rules.length, 1);
  assert.deepEqual(
    c.problems.map((p) => [p.code, p.message, p.severity, p.span]),
    [['yaml.syntax', 'Map keys must be unique', 'error', { start: text.indexOf('pattern: 2'), end: text.indexOf('pattern: 2') + 1 }]],
  );
  assert.equal(c.clauses[1].text, 'Still parsed.');
});

test('an unclosed rules fence runs to the end of the document', () => {
  const text = '# A\n\n```rules\n- x: 1\n';
  const c = parseConstitution(text, 'x.md');
  assert.deepEqual(c.clauses[0].rules[0].span, { start: text.indexOf('- x'), end: text.length });
  assert.deepEqual(c.problems, []);
});

test('clauses without a level inherit their parent\'s; hard constraints stand apart', () => {
  const c = parseConstitution(doc, 'acme.constitution.md');
  const byId = new Map(c.clauses.map((x) => [x.id, x]));
  assert.deepEqual([byId.get('be_safe')?.priority, byId.get('be_safe')?.rank], ['safe', 0]);
  assert.deepEqual([byId.get('sub-point')?.priority, byId.get('sub-point')?.rank], ['safe', 0]);
  assert.deepEqual([byId.get('be_honest')?.priority, byId.get('be_honest')?.rank], ['ethical', 1]);
  assert.equal(byId.get('no_weapons')?.hardConstraint, true);
  assert.equal(byId.get('no_weapons')?.priority, undefined);
  assert.equal(byId.get('acme')?.priority, undefined);
  assert.equal(byId.get('be_safe')?.hardConstraint, false);
});

test('a list of levels is an order of priority; priority=hard-constraints marks a hard constraint', () => {
  const text = '---\norder: [a, b]\n---\n# X {#x priority=b}\n\nT.\n\n## Y {#y priority=hard-constraints}\n\nU.\n\n### Z\n\nV.\n';
  const c = parseConstitution(text, 'x.md');
  assert.deepEqual(c.order?.levels.map((l) => l.name), ['a', 'b']);
  assert.deepEqual(c.clauses.map((x) => [x.id, x.priority, x.rank, x.hardConstraint]), [
    ['x', 'b', 1, false],
    ['y', undefined, undefined, true],
    ['z', undefined, undefined, true],
  ]);
});

test('a malformed order is a problem at its place', () => {
  const text = '---\norder: 5\n---\n# X\n\nT.\n';
  const c = parseConstitution(text, 'x.md');
  assert.deepEqual(c.problems.map((p) => [p.code, p.span]), [['constitution.order', spanOf(text, '5')]]);
  assert.equal(c.order, undefined);
});

test('authority attributes without a stated order rank by the Model Spec\'s levels', () => {
  const text = '# Rules {#rules}\n\n## Obey {#obey authority=developer}\n\nDo.\n\n### Detail {#detail}\n\nMore.\n';
  const c = parseConstitution(text, 'spec.md');
  assert.equal(c.order?.kind, 'authority');
  assert.deepEqual(c.order?.levels.map((l) => l.name), ['root', 'system', 'developer', 'user', 'guideline']);
  assert.deepEqual(c.clauses.map((x) => [x.id, x.priority, x.rank]), [
    ['rules', undefined, undefined],
    ['obey', 'developer', 2],
    ['detail', 'developer', 2],
  ]);
});

test('Claude\'s constitution is recognised by its sections', () => {
  const text = [
    '# Constitution',
    '## Being helpful',
    'h',
    '### Why helpfulness matters',
    'w',
    '## Following the guidelines',
    'g',
    '## Being broadly ethical',
    'e',
    '### Hard constraints',
    'never',
    '## Being broadly safe',
    's',
  ].join('\n\n');
  const c = parseConstitution(text, 'claude.md');
  assert.deepEqual(c.order?.levels.map((l) => l.name), ['broadly-safe', 'broadly-ethical', 'guidelines', 'helpful']);
  assert.deepEqual(c.clauses.map((x) => [x.id, x.priority ?? null, x.hardConstraint]), [
    ['constitution', null, false],
    ['being-helpful', 'helpful', false],
    ['why-helpfulness-matters', 'helpful', false],
    ['following-the-guidelines', 'guidelines', false],
    ['being-broadly-ethical', 'broadly-ethical', false],
    ['hard-constraints', null, true],
    ['being-broadly-safe', 'broadly-safe', false],
  ]);
});

test('slugs follow GitHub: punctuation goes, spaces become hyphens, inline markup is read as text', () => {
  assert.equal(slugify("What's in the Constitution?"), 'whats-in-the-constitution');
  assert.equal(slugify('A  B'), 'a--b');
  assert.equal(slugify('Héllo_World-x (v2)'), 'héllo_world-x-v2');
  const text = '# **Bold** and `code`\n\nx\n\n# Foo {#foo}\n\ny\n\n# Foo\n\nz\n\n# Foo\n\nw\n';
  assert.deepEqual(parseConstitution(text, 'x.md').clauses.map((c) => c.id), ['bold-and-code', 'foo', 'foo-1', 'foo-2']);
});

test('without front matter the name is the file\'s and the title the first level-1 heading', () => {
  const c = parseConstitution('Intro.\n\n# Main title\n\nx\n', '/a/b/house.constitution.md');
  assert.equal(c.name, 'house');
  assert.equal(c.title, 'Main title');
  assert.equal(c.order, undefined);
});

test('CRLF line endings keep every span exact', () => {
  const text = '# A {#a}\r\n\r\nText [b](#b).\r\n\r\nB\r\n---\r\n\r\nMore.\r\n';
  const c = parseConstitution(text, 'x.md');
  assert.deepEqual(c.clauses.map((x) => x.id), ['a', 'b']);
  assert.equal(c.clauses[0].text, 'Text [b](#b).');
  assert.deepEqual(c.clauses[1].headingSpan, spanOf(text, 'B\r\n---'));
  assert.equal(c.clauses[1].text, 'More.');
  assert.deepEqual(c.clauses[0].references[0].idSpan, { start: text.indexOf('(#b)') + 2, end: text.indexOf('(#b)') + 3 });
});

test('a priority or authority list in front matter states the order, its key naming the kind', () => {
  const priority = parseConstitution('---\npriority: [safety, style]\n---\n# P\n\n## A {#a priority=style}\n\nText.\n', 'p.constitution.md');
  assert.deepEqual(priority.order?.levels.map((l) => l.name), ['safety', 'style']);
  assert.equal(priority.order?.kind, 'priority');
  assert.equal(priority.clauses.find((c) => c.id === 'a')?.rank, 1);
  const authority = parseConstitution('---\nauthority: [platform, user]\n---\n# P\n\n## B {#b authority=user}\n\nText.\n', 'q.constitution.md');
  assert.equal(authority.order?.kind, 'authority');
  assert.equal(authority.clauses.find((c) => c.id === 'b')?.priority, 'user');
});
