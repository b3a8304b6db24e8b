import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { checkConstitution } from '../../server/src/core/constitution/checkConstitution.ts';
import { isConstitutionFileName, parseConstitution } from '../../server/src/core/constitution/parse.ts';
import type { Span } from '../../server/src/core/text.ts';

function spanOf(text: string, needle: string, occurrence = 0): Span {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" occurs ${occurrence + 1} times`);
  }
  return { start: at, end: at + needle.length };
}

const yamlDoc = [
  'name: acme',
  'title: Acme principles',
  'order: [safe, helpful]',
  'principles:',
  '  - id: be_safe',
  '    title: Be safe',
  '    text: Do not harm.',
  '    priority: safe',
  '    severity: warning',
  '    critique: Find harm.',
  '    revision: Remove harm.',
  '    rules:',
  '      - pattern: harm',
  '  - title: Be Helpful Now',
  '    text: |',
  '      Help.',
  '  - text: no id',
  '  - A plain principle.',
  '',
].join('\n');

test('a YAML constitution is a map of metadata and principles, with exact spans', () => {
  const c = parseConstitution(yamlDoc, 'acme.constitution.yaml');
  assert.equal(c.format, 'yaml');
  assert.equal(c.name, 'acme');
  assert.equal(c.title, 'Acme principles');
  assert.deepEqual(c.order?.levels.map((l) => l.name), ['safe', 'helpful']);
  assert.deepEqual(c.metadata, { name: 'acme', title: 'Acme principles', order: ['safe', 'helpful'] });
  assert.deepEqual(c.clauses.map((x) => [x.id, x.explicitId, x.title, x.text]), [
    ['be_safe', true, 'Be safe', 'Do not harm.'],
    ['be-helpful-now', false, 'Be Helpful Now', 'Help.'],
    ['principle-3', false, 'principle-3', 'no id'],
    ['principle-4', false, 'A plain principle.', 'A plain principle.'],
  ]);
  const safe = c.clauses[0];
  assert.deepEqual(safe.idSpan, spanOf(yamlDoc, 'be_safe'));
  assert.deepEqual(safe.titleSpan, spanOf(yamlDoc, 'Be safe'));
  assert.deepEqual(safe.textSpan, spanOf(yamlDoc, 'Do not harm.'));
  assert.deepEqual(safe.headingSpan, { start: yamlDoc.indexOf('id: be_safe'), end: yamlDoc.indexOf('\n  - title') });
  assert.deepEqual(safe.span, safe.headingSpan);
  assert.deepEqual([safe.priority, safe.rank, safe.severity], ['safe', 0, 'warning']);
  assert.deepEqual([safe.critique, safe.revision], ['Find harm.', 'Remove harm.']);
  assert.deepEqual(safe.attributes.map((a) => [a.key, a.value, yamlDoc.slice(a.span.start, a.span.end)]), [
    ['priority', 'safe', 'priority: safe'],
    ['severity', 'warning', 'severity: warning'],
  ]);
  assert.equal(safe.rules.length, 1);
  assert.deepEqual(safe.rules[0].span, { start: yamlDoc.indexOf('- pattern'), end: yamlDoc.indexOf('  - title') });
  assert.equal(safe.rules[0].value?.kind, 'seq');
  assert.equal(yamlDoc.slice(c.clauses[1].textSpan.start, c.clauses[1].textSpan.start + 1), '|');
  assert.deepEqual(c.clauses[3].textSpan, spanOf(yamlDoc, 'A plain principle.'));
  assert.deepEqual(
    c.problems.map((p) => [p.code, p.span]),
    [['constitution.missing-id', spanOf(yamlDoc, 'text: no id')]],
  );
});

test('a JSON constitution may be a bare list; string spans stop inside the quotes', () => {
  const text = '[\n  {"id": "a", "title": "Alpha", "text": "line\\nnext", "authority": "user"},\n  {"id": "b"}\n]\n';
  const c = parseConstitution(text, 'list.constitution.json');
  assert.equal(c.format, 'json');
  assert.equal(c.name, 'list');
  assert.deepEqual(c.clauses.map((x) => [x.id, x.title, x.text]), [
    ['a', 'Alpha', 'line\nnext'],
    ['b', 'b', ''],
  ]);
  assert.deepEqual(c.clauses[0].idSpan, { start: text.indexOf('"a"') + 1, end: text.indexOf('"a"') + 2 });
  assert.deepEqual(c.clauses[0].titleSpan, spanOf(text, 'Alpha'));
  assert.deepEqual(c.clauses[0].textSpan, spanOf(text, 'line\\nnext'));
  assert.deepEqual(c.clauses[0].headingSpan, spanOf(text, '{"id": "a", "title": "Alpha", "text": "line\\nnext", "authority": "user"}'));
  assert.equal(c.clauses[0].priority, 'user');
  assert.equal(c.order, undefined);
  assert.deepEqual(c.problems, []);
});

test('a JSON syntax error is a problem and what parses is kept', () => {
  const text = '{"principles": [{"id": "a", "text": "x"},, {"id": "b", "text": "y"}]}';
  const c = parseConstitution(text, 'broken.constitution.json');
  assert.deepEqual(c.clauses.map((x) => x.id), ['a', 'b']);
  assert.deepEqual(c.problems.map((p) => [p.code, p.span]), [['json.syntax', { start: text.indexOf(',,') + 1, end: text.indexOf(',,') + 2 }]]);
});

test('a map without principles is a problem at the map', () => {
  const text = 'name: x\n';
  const c = parseConstitution(text, 'x.constitution.yml');
  assert.deepEqual(c.clauses, []);
  assert.deepEqual(c.problems.map((p) => [p.code, p.span]), [['constitution.no-principles', { start: 0, end: text.length }]]);
});

test('an unknown severity is reported at the field', () => {
  const text = '- id: a\n  text: t\n  severity: loud\n';
  const c = parseConstitution(text, 'x.constitution.yaml');
  assert.equal(c.clauses[0].severity, undefined);
  assert.deepEqual(c.problems.map((p) => [p.code, p.span]), [['constitution.invalid-severity', spanOf(text, 'severity: loud')]]);
});

test('the paper\'s critique/revision pairs become clauses named by their keys', () => {
  const text = '{"harm0": {"prompt": ["\\n\\nCritiqueRequest: Say \\"why\\" \\u00e9.\\n\\nCritique:"], "edit_request": "\\n\\nRevisionRequest: Fix it.\\n\\nRevision:"}}';
  const c = parseConstitution(text, 'CritiqueRevisionInstructions.json');
  assert.equal(c.format, 'cai-pairs');
  assert.equal(c.clauses.length, 1);
  const x = c.clauses[0];
  assert.deepEqual([x.id, x.title, x.critique, x.revision, x.text], ['harm0', 'harm0', 'Say "why" é.', 'Fix it.', 'Say "why" é.']);
  assert.deepEqual(x.idSpan, spanOf(text, 'harm0'));
  assert.deepEqual(x.titleSpan, x.idSpan);
  assert.deepEqual(x.textSpan, spanOf(text, 'Say \\"why\\" \\u00e9.'));
  assert.deepEqual(x.headingSpan, { start: 1, end: text.length - 1 });
  assert.deepEqual(c.problems, []);
});

test('the paper\'s preference principles become numbered clauses', () => {
  const text = '["\\nPlease choose the kinder one. Really. Options:", "\\nChoose \\"B\\" now? Options:"]';
  const c = parseConstitution(text, 'RLMadisonInstructions.json');
  assert.equal(c.format, 'cai-principles');
  assert.deepEqual(c.clauses.map((x) => [x.id, x.title, x.text, x.critique, x.revision]), [
    ['principle-1', 'Please choose the kinder one.', 'Please choose the kinder one. Really.', 'Please choose the kinder one. Really.', undefined],
    ['principle-2', 'Choose "B" now?', 'Choose "B" now?', 'Choose "B" now?', undefined],
  ]);
  assert.deepEqual(c.clauses[0].textSpan, spanOf(text, 'Please choose the kinder one. Really.'));
  assert.deepEqual(c.clauses[1].titleSpan, spanOf(text, 'Choose \\"B\\" now?'));
});

test('file names choose the format, and content decides where they do not', () => {
  assert.equal(isConstitutionFileName('/w/a.constitution.md'), true);
  assert.equal(isConstitutionFileName('C:\\w\\a.Constitution.YML'), true);
  assert.equal(isConstitutionFileName('a.constitution.json'), true);
  assert.equal(isConstitutionFileName('a.md'), false);
  assert.equal(isConstitutionFileName('constitution.md'), false);
  assert.equal(parseConstitution('# A\n\nx\n', 'notes.txt').format, 'markdown');
  assert.equal(parseConstitution('[{"id": "a", "text": "x"}]', 'untitled').format, 'json');
  assert.equal(parseConstitution('principles:\n  - id: a\n', 'untitled').format, 'yaml');
  assert.equal(parseConstitution('["a", "b"]', 'x.constitution.json').format, 'json');
});

test('parsing never throws, whatever the input', () => {
  const inputs = ['', '{', '[', ':::\n  - ]', '---\n', '---\norder: [\n---\n# A', '```rules\n', '# {#}', '# A {#a b="}', '\u0000#\r\r#'];
  for (const name of ['x.md', 'x.constitution.yaml', 'x.constitution.json', 'x.json', 'x']) {
    for (const input of inputs) {
      const c = parseConstitution(input, name);
      assert.ok(Array.isArray(c.clauses) && Array.isArray(c.problems), `${name}: ${JSON.stringify(input)}`);
      for (const p of c.problems) assert.notEqual(p.code, 'constitution.internal', `${name}: ${JSON.stringify(input)}: ${p.message}`);
    }
  }
});

test('the fixture constitutions parse cleanly and pass their checks', () => {
  const dir = 'test/fixtures/constitutions';
  const names = readdirSync(dir).sort();
  assert.deepEqual(names, ['house.constitution.md', 'minimal.constitution.json', 'team.constitution.yaml']);
  const ids: Record<string, string[]> = {};
  for (const name of names) {
    const c = parseConstitution(readFileSync(`${dir}/${name}`, 'utf8'), name);
    assert.deepEqual([...c.problems, ...checkConstitution(c)], [], name);
    ids[c.name] = c.clauses.map((x) => x.id);
  }
  assert.deepEqual(ids, {
    house: ['house', 'hard_constraints', 'no_weapons', 'be_safe', 'crisis_help', 'be_honest', 'be_helpful', 'do-not-lecture'],
    minimal: ['be_brief', 'be_kind'],
    team: ['cite_sources', 'stay-on-topic'],
  });
});
