import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeLenses } from '../../server/src/core/features/codeLens.ts';
import { definition } from '../../server/src/core/features/definition.ts';
import { documentLinks } from '../../server/src/core/features/documentLinks.ts';
import { hover } from '../../server/src/core/features/hover.ts';
import { references } from '../../server/src/core/features/references.ts';
import { ethics, model, uriOf, workspace } from './workspace.ts';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

test('definition from anywhere in a citation goes to the clause heading', () => {
  for (const note of ['Note: [[hon|esty]]', 'Note: [|[honesty]]', 'Note: [[honesty]|]']) {
    const w = workspace({ 'a.transcript': `User: hi\nAssistant: hello\n${note}\n`, 'ethics.constitution.md': ethics });
    const links = definition(w.index, w.uri, w.offset);
    assert.deepEqual(links, [
      {
        originSelectionRange: range(2, 6, 2, 17),
        targetUri: uriOf('ethics.constitution.md'),
        targetRange: range(8, 0, 8, 48),
        targetSelectionRange: range(8, 3, 8, 12),
      },
    ], note);
  }
});

test('definition of name#id goes to the named constitution; of an ambiguous id, to each', () => {
  const files = { 'ethics.constitution.md': ethics, 'spec.constitution.md': model };
  const named = workspace({ 'a.transcript': 'Assistant: x\nNote: [[spec#hone|sty]]\n', ...files });
  assert.deepEqual(definition(named.index, named.uri, named.offset).map((l) => [l.targetUri, l.targetSelectionRange]), [
    [uriOf('spec.constitution.md'), range(5, 3, 5, 12)],
  ]);
  const ambiguous = workspace({ 'a.transcript': 'Assistant: x\nNote: [[hone|sty]]\n', ...files });
  assert.deepEqual(definition(ambiguous.index, ambiguous.uri, ambiguous.offset).map((l) => l.targetUri), [
    uriOf('ethics.constitution.md'),
    uriOf('spec.constitution.md'),
  ]);
});

test('definition from a flagged range goes to the principle the flag names', () => {
  const w = workspace({ 'a.transcript': 'User: who are you?\nAssistant: I am a per|son.\n', 'ethics.constitution.md': ethics });
  assert.deepEqual(definition(w.index, w.uri, w.offset).map((l) => [l.targetUri, l.targetSelectionRange, l.originSelectionRange]), [
    [uriOf('ethics.constitution.md'), range(8, 3, 8, 12), range(1, 11, 1, 24)],
  ]);
});

test('definition from a cross-reference in a constitution goes to the clause in the same file', () => {
  const w = workspace({ 'ethics.constitution.md': ethics.replace('[?](#harm)', '[?](#ha|rm)') });
  assert.deepEqual(definition(w.index, w.uri, w.offset).map((l) => l.targetSelectionRange), [range(25, 3, 25, 13)]);
});

test('hover on a citation shows title, place in the order, first paragraph and a link', () => {
  const w = workspace({ 'a.transcript': 'Assistant: x\nNote: see [[|honesty]]\n', 'ethics.constitution.md': ethics });
  assert.deepEqual(hover(w.index, w.uri, w.offset), {
    contents: {
      kind: 'markdown',
      value: [
        '**Be honest** `ethics#honesty`',
        '',
        '*priority: broadly-ethical (2 of 4)*',
        '',
        'Tell the truth, even when it is unwelcome.\nSay what you do not know.',
        '',
        `[Open the clause](${uriOf('ethics.constitution.md')}#L9)`,
      ].join('\n'),
    },
    range: range(1, 10, 1, 21),
  });
});

test('hover says authority for an authority order, and why a citation does not resolve', () => {
  const w = workspace({ 'a.transcript': 'Assistant: x\nNote: [[|honesty]] [[harn]]\n', 'spec.constitution.md': model.replace('name: spec', 'name: spec\norder:\n  kind: authority\n  levels: [root, system, developer, user, guideline]') });
  assert.match((hover(w.index, w.uri, w.offset)!.contents as { value: string }).value, /\n\*authority: user\*\n/);
  const unknown = hover(w.index, w.uri, w.offset + 12)!;
  assert.equal((unknown.contents as { value: string }).value, 'No clause has the id `harn`.');
  const e = workspace({ 'a.transcript': 'Assistant: x\nNote: [[harn|]]\n', 'ethics.constitution.md': ethics });
  assert.equal((hover(e.index, e.uri, e.offset)!.contents as { value: string }).value, 'No clause has the id `harn`. Did you mean `harm`?');
  assert.equal(hover(e.index, e.uri, 3), undefined);
});

test('references of a clause list its heading, every citation and every flag across the workspace', () => {
  const w = workspace({
    'ethics.constitution.md': ethics.replace('## Be honest', '## Be |honest'),
    'a.transcript': 'Assistant: I am a person.\nNote: [[honesty]]\n',
    'b.transcript': 'User: hi\nAssistant: fine\nNote: [[ethics#honesty]] and [[harm]]\n',
  });
  assert.deepEqual(references(w.index, w.uri, w.offset), [
    { uri: uriOf('ethics.constitution.md'), range: range(8, 0, 8, 48) },
    { uri: uriOf('a.transcript'), range: range(0, 11, 0, 24) },
    { uri: uriOf('a.transcript'), range: range(1, 6, 1, 17) },
    { uri: uriOf('b.transcript'), range: range(2, 6, 2, 24) },
  ]);
  const fromCitation = workspace({
    'ethics.constitution.md': ethics,
    'b.transcript': 'Assistant: fine\nNote: [[ethics#honesty]] and [[ha|rm]]\n',
  });
  assert.deepEqual(references(fromCitation.index, fromCitation.uri, fromCitation.offset, false), [
    { uri: uriOf('b.transcript'), range: range(1, 29, 1, 37) },
  ]);
});

test('a code lens above each clause counts the turns that cite it and the turns flagged under it', () => {
  const w = workspace({
    'ethics.constitution.md': ethics,
    'a.transcript': 'Assistant: I am a person. I am a person.\nNote: [[honesty]] [[honesty]]\nUser: ok\nAssistant: x\nNote: [[honesty]]\n',
  });
  const lenses = codeLenses(w.index, uriOf('ethics.constitution.md'));
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command!.title]), [
    [6, 'cited in 0 turns · flagged in 0'],
    [8, 'cited in 2 turns · flagged in 1'],
    [25, 'cited in 0 turns · flagged in 0'],
    [29, 'cited in 0 turns · flagged in 0'],
  ]);
  const honesty = lenses[1].command!;
  assert.equal(honesty.command, 'constitutionLens.showReferences');
  const [args] = honesty.arguments as [{ uri: string; position: unknown; locations: { uri: string; range: unknown }[] }];
  assert.equal(args.uri, uriOf('ethics.constitution.md'));
  assert.deepEqual(args.position, { line: 8, character: 0 });
  assert.equal(args.locations.length, 5);
});

test('document links make cross-references open their clause', () => {
  const w = workspace({ 'ethics.constitution.md': ethics });
  assert.deepEqual(documentLinks(w.index, w.uri), [
    { range: range(13, 45, 13, 50), target: `${uriOf('ethics.constitution.md')}#L26`, tooltip: 'Go to “Avoid harm”' },
  ]);
});
