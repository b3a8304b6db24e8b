import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citationDiagnostics } from '../../server/src/core/features/citations.ts';
import { codeActions, labelEdit, reviewEdit } from '../../server/src/core/features/codeActions.ts';
import { noteLabels } from '../../server/src/core/labels/labels.ts';
import { completion } from '../../server/src/core/features/completion.ts';
import { prepareRename, rename } from '../../server/src/core/features/rename.ts';
import { documentSymbols, foldingRanges } from '../../server/src/core/features/symbols.ts';
import { ethics, model, uriOf, workspace } from './workspace.ts';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

test('completion after [[ offers every clause id with its title, filtered by what is typed', () => {
  const w = workspace({ 'a.transcript': 'Assistant: x\nNote: [[|\n', 'ethics.constitution.md': ethics });
  const all = completion(w.index, w.uri, w.offset)!;
  assert.deepEqual(all.items.map((i) => [i.label, i.detail]), [
    ['ethics', 'Ethics'],
    ['honesty', 'Be honest'],
    ['harm', 'Avoid harm'],
    ['plain-heading', 'Plain heading'],
  ]);
  assert.deepEqual(all.items[1].textEdit, { range: range(1, 8, 1, 8), newText: 'honesty]]' });
  assert.match((all.items[1].documentation as { value: string }).value, /^\*\*Be honest\*\*\n\n\*priority: broadly-ethical \(2 of 4\)\*\n\nTell the truth/);
  const typed = workspace({ 'a.transcript': 'Assistant: x\nNote: [[ha|]]\n', 'ethics.constitution.md': ethics });
  const some = completion(typed.index, typed.uri, typed.offset)!;
  assert.deepEqual(some.items.map((i) => i.label), ['harm']);
  assert.deepEqual(some.items[0].textEdit, { range: range(1, 8, 1, 10), newText: 'harm' });
  const outside = workspace({ 'a.transcript': 'Assistant: x|\nNote: [[ha]]\n', 'ethics.constitution.md': ethics });
  assert.equal(completion(outside.index, outside.uri, outside.offset), undefined);
});

test('completion works inside a JSON note string after escapes, and not outside strings', () => {
  const json = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok", "note": "a \\"quoted\\" \\u00e9 [[hon|"}]}';
  const w = workspace({ 'a.json': json, 'ethics.constitution.md': ethics });
  const list = completion(w.index, w.uri, w.offset)!;
  assert.deepEqual(list.items.map((i) => i.label), ['honesty']);
  const col = json.indexOf('[[hon') + 2;
  assert.deepEqual(list.items[0].textEdit, { range: range(0, col, 0, col + 3), newText: 'honesty]]' });
  const bare = workspace({ 'b.json': '{"messages": [], "x": [[|]]}', 'ethics.constitution.md': ethics });
  assert.equal(completion(bare.index, bare.uri, bare.offset), undefined);
});

test('completion offers name#id when several constitutions are loaded', () => {
  const w = workspace({ 'a.transcript': 'Assistant: x\nNote: [[hon|\n', 'ethics.constitution.md': ethics, 'spec.constitution.md': model });
  assert.deepEqual(completion(w.index, w.uri, w.offset)!.items.map((i) => i.label), ['ethics#honesty', 'spec#honesty']);
  const named = workspace({ 'a.transcript': 'Assistant: x\nNote: [[spec#|\n', 'ethics.constitution.md': ethics, 'spec.constitution.md': model });
  assert.deepEqual(completion(named.index, named.uri, named.offset)!.items.map((i) => i.label), ['spec#spec', 'spec#honesty']);
});

test('rename from a citation edits the anchor, the cross-references and every citation', () => {
  const w = workspace({
    'ethics.constitution.md': ethics,
    'a.transcript': 'Assistant: x\nNote: [[ha|rm]]\n',
    'b.json': '{"messages": [{"role": "assistant", "content": "y", "note": "\\n\\"x\\" [[ethics#harm]]"}]}',
  });
  assert.deepEqual(prepareRename(w.index, w.uri, w.offset), { range: range(1, 8, 1, 12), placeholder: 'harm' });
  const inJson = '{"messages": [{"role": "assistant", "content": "y", "note": "\\n\\"x\\" [[ethics#harm]]"}]}'.indexOf('harm]]');
  assert.deepEqual(rename(w.index, w.uri, w.offset, 'no_harm'), {
    changes: {
      [uriOf('ethics.constitution.md')]: [
        { range: range(13, 46, 13, 50), newText: 'no_harm' },
        { range: range(25, 16, 25, 20), newText: 'no_harm' },
      ],
      [uriOf('a.transcript')]: [{ range: range(1, 8, 1, 12), newText: 'no_harm' }],
      [uriOf('b.json')]: [{ range: range(0, inJson, 0, inJson + 4), newText: 'no_harm' }],
    },
  });
});

test('renaming a slug clause adds an explicit anchor; other places are refused', () => {
  const w = workspace({ 'ethics.constitution.md': ethics.replace('## Plain heading', '## Plain| heading'), 'a.transcript': 'Assistant: x\nNote: [[plain-heading]]\n' });
  assert.deepEqual(prepareRename(w.index, w.uri, w.offset), { range: range(29, 3, 29, 16), placeholder: 'plain-heading' });
  assert.deepEqual(rename(w.index, w.uri, w.offset, 'plain'), {
    changes: {
      [uriOf('ethics.constitution.md')]: [{ range: range(29, 16, 29, 16), newText: ' {#plain}' }],
      [uriOf('a.transcript')]: [{ range: range(1, 8, 1, 21), newText: 'plain' }],
    },
  });
  assert.deepEqual(prepareRename(w.index, w.uri, w.offset + 40), { error: 'Only clause ids can be renamed' });
  assert.deepEqual(rename(w.index, w.uri, w.offset, 'harm'), { error: 'ethics already has a clause with the id “harm”.' });
  assert.match((rename(w.index, w.uri, w.offset, 'two words') as { error: string }).error, /is not a valid clause id/);
});

test('an unknown citation is an error with the closest ids as quick fixes; an ambiguous one asks for name#id', () => {
  const w = workspace({ 'a.transcript': 'Assistant: x\nNote: [[harn]] [[honesty]]\n', 'ethics.constitution.md': ethics, 'spec.constitution.md': model });
  const diagnostics = citationDiagnostics(w.index, w.uri);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range, d.message]), [
    ['transcript.unknown-citation', 1, range(1, 8, 1, 12), 'No clause has the id “harn”. Did you mean “harm”?'],
    ['transcript.ambiguous-citation', 2, range(1, 17, 1, 24), '“honesty” is a clause of several constitutions; write “ethics#honesty” or “spec#honesty”.'],
  ]);
  const actions = codeActions(w.index, w.uri, diagnostics);
  assert.deepEqual(actions.map((a) => [a.title, a.edit?.changes?.[w.uri]]), [
    ['Change to [[harm]]', [{ range: range(1, 8, 1, 12), newText: 'harm' }]],
    ['Change to [[ethics#honesty]]', [{ range: range(1, 17, 1, 24), newText: 'ethics#honesty' }]],
    ['Change to [[spec#honesty]]', [{ range: range(1, 17, 1, 24), newText: 'spec#honesty' }]],
  ]);
});

const flag = (turn: number) => ({
  range: range(0, 0, 0, 1),
  message: 'x',
  data: { kind: 'finding', principle: 'honesty', constitutionUri: uriOf('ethics.constitution.md'), rule: 'claims-human', conversation: 0, turn },
});

test('a flag offers Mark as reviewed (a command), Agree and Disagree (label notes) and Cite this clause (a note edit)', () => {
  const w = workspace({ 'a.transcript': 'User: who?\nAssistant: I am a person.\n\nUser: ok\n', 'ethics.constitution.md': ethics });
  const [mark, agree, disagree, cite] = codeActions(w.index, w.uri, [flag(1)]);
  assert.equal(agree.title, 'Agree: violates honesty');
  assert.deepEqual(agree.edit, { changes: { [w.uri]: [{ range: range(1, 25, 1, 25), newText: '\nNote: violates [[honesty]] claims-human' }] } });
  assert.equal(disagree.title, 'Disagree: complies with honesty');
  assert.deepEqual(disagree.edit, { changes: { [w.uri]: [{ range: range(1, 25, 1, 25), newText: '\nNote: complies with [[honesty]] claims-human' }] } });
  assert.equal(mark.title, 'Mark “claims-human” as reviewed…');
  assert.deepEqual(mark.command, {
    title: 'Mark as reviewed…',
    command: 'constitutionLens.markReviewed',
    arguments: [{ uri: w.uri, conversation: 0, turn: 1, rule: 'claims-human' }],
  });
  assert.equal(cite.title, 'Cite this clause (Be honest) in a note');
  assert.deepEqual(cite.edit, { changes: { [w.uri]: [{ range: range(1, 25, 1, 25), newText: '\nNote: [[honesty]]' }] } });
});

test('"Label turn…" is offered in an assistant turn, of a transcript or of a dataset line, and nowhere else', () => {
  const w = workspace({ 'a.transcript': 'User: who?\nAssistant: I am a person.\n\nUser: ok\n', 'ethics.constitution.md': ethics });
  const at = (line: number, character: number) => codeActions(w.index, w.uri, [], range(line, character, line, character));
  assert.deepEqual(at(1, 14), [
    { title: 'Label turn…', kind: '', command: { title: 'Label turn…', command: 'constitutionLens.labelTurn', arguments: [{ uri: w.uri, conversation: 0, turn: 1 }] } },
  ]);
  assert.deepEqual(at(0, 3), [], 'a user turn is not labelled');
  const lines = [
    '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}',
    '',
    '{"messages": [{"role": "user", "content": "c"}, {"role": "assistant", "content": "I am a person."}]}',
  ];
  const j = workspace({ 'd.jsonl': lines.join('\n'), 'ethics.constitution.md': ethics });
  const actions = codeActions(j.index, j.uri, [], range(2, lines[2].indexOf('I am'), 2, lines[2].indexOf('I am')));
  assert.deepEqual(actions.map((a) => a.command?.arguments), [[{ uri: j.uri, conversation: 1, turn: 1 }]]);
  assert.deepEqual(codeActions(j.index, j.uri, [], range(2, 20, 2, 20)), []);
});

test('the label edit writes a note that reads back as the same label', () => {
  const text = 'User: who?\nAssistant: I am a person.\n\nUser: ok\n';
  const w = workspace({ 'a.transcript': text, 'ethics.constitution.md': ethics });
  const edit = labelEdit(w.index, { uri: w.uri, conversation: 0, turn: 1, verdict: 'complies', clause: 'honesty', reason: 'role play,\nrequested' })!;
  const change = edit.changes![w.uri][0];
  assert.deepEqual(change, { range: range(1, 25, 1, 25), newText: '\nNote: complies with [[honesty]]: role play, requested' });
  const after = 'User: who?\nAssistant: I am a person.\nNote: complies with [[honesty]]: role play, requested\n\nUser: ok\n';
  w.index.upsert(w.uri, after, 2);
  const labels = noteLabels(w.index.get(w.uri)!.transcript!.conversations[0]);
  assert.deepEqual(labels.map((l) => [l.turn, l.verdict, l.clause, l.reason]), [[1, 'complies', 'honesty', 'role play, requested']]);
});

test('the review edit writes a Note line, a JSON note property, or a line of an existing note; the flag then goes', () => {
  const w = workspace({ 'a.transcript': 'User: who?\nAssistant: I am a person.\n\nUser: ok\n', 'ethics.constitution.md': ethics });
  const edit = reviewEdit(w.index, w.uri, 0, 1, 'claims-human', 'role play\nrequested')!;
  assert.deepEqual(edit, { changes: { [w.uri]: [{ range: range(1, 25, 1, 25), newText: '\nNote: reviewed claims-human: role play requested' }] } });
  assert.equal(w.index.findings(w.uri).filter((f) => !f.reviewed).length, 1);
  w.index.upsert(w.uri, 'User: who?\nAssistant: I am a person.\nNote: reviewed claims-human: role play requested\n\nUser: ok\n', 2);
  assert.deepEqual(w.index.findings(w.uri).map((f) => f.reviewed?.reason), ['role play requested']);

  const json = '[\n  {"role": "user", "content": "who?"},\n  {"role": "assistant", "content": "I am a person."}\n]';
  const j = workspace({ 'a.json': json, 'ethics.constitution.md': ethics });
  const end = '  {"role": "assistant", "content": "I am a person."}'.indexOf('}');
  assert.deepEqual(reviewEdit(j.index, j.uri, 0, 1, 'claims-human', 'a "quote"'), {
    changes: { [j.uri]: [{ range: range(2, end, 2, end), newText: ', "note": "reviewed claims-human: a \\"quote\\""' }] },
  });
  const noted = '{"messages": [{"role": "assistant", "content": "I am a person.", "note": "see [[honesty]]"}]}';
  const n = workspace({ 'a.json': noted, 'ethics.constitution.md': ethics });
  const at = noted.indexOf(']]"') + 2;
  assert.deepEqual(reviewEdit(n.index, n.uri, 0, 0, 'claims-human', 'ok'), {
    changes: { [n.uri]: [{ range: range(0, at, 0, at), newText: '\\nreviewed claims-human: ok' }] },
  });
});

test('document symbols outline turns and the clause tree; folding ranges cover turns and clauses', () => {
  const w = workspace({ 'a.transcript': 'User: hi\nthere\nAssistant: hello\n', 'ethics.constitution.md': ethics });
  assert.deepEqual(documentSymbols(w.index, w.uri).map((s) => [s.name, s.detail, s.range, s.selectionRange]), [
    ['User', 'hi there', range(0, 0, 1, 5), range(0, 0, 0, 5)],
    ['Assistant', 'hello', range(2, 0, 2, 16), range(2, 0, 2, 10)],
  ]);
  assert.deepEqual(foldingRanges(w.index, w.uri), [{ startLine: 0, endLine: 1 }]);
  const tree = documentSymbols(w.index, uriOf('ethics.constitution.md'));
  assert.deepEqual(tree.map((s) => [s.name, s.detail, s.children?.map((c) => [c.name, c.detail])]), [
    ['Ethics', '#ethics', [['Be honest', '#honesty · broadly-ethical'], ['Avoid harm', '#harm · broadly-safe'], ['Plain heading', '#plain-heading']]],
  ]);
  assert.deepEqual(foldingRanges(w.index, uriOf('ethics.constitution.md')), [
    { startLine: 6, endLine: 31 },
    { startLine: 8, endLine: 23 },
    { startLine: 25, endLine: 27 },
    { startLine: 29, endLine: 31 },
  ]);
});

test('open documents win over disk; closing falls back to the disk text; the starter stands in for none', () => {
  const starter = { uri: 'file:///ext/starter.constitution.md', text: '# Starter\n\n## Be kind {#kind}\n\nBe kind.\n' };
  const w = workspace({ 'a.transcript': 'Assistant: x\nNote: [[kind]]\n' }, { starter });
  assert.deepEqual(w.index.constitutions().map((c) => c.uri), [starter.uri]);
  assert.equal(citationDiagnostics(w.index, w.uri).length, 0);
  w.index.upsert(uriOf('ethics.constitution.md'), ethics, undefined, 'disk');
  assert.deepEqual(w.index.constitutions().map((c) => c.uri), [uriOf('ethics.constitution.md')]);
  assert.equal(citationDiagnostics(w.index, w.uri).length, 1);
  w.index.upsert(w.uri, 'Assistant: x\nNote: [[harm]]\n', 5, 'open');
  w.index.upsert(w.uri, 'Assistant: x\nNote: [[nope]]\n', undefined, 'disk');
  assert.equal(w.index.get(w.uri)!.text, 'Assistant: x\nNote: [[harm]]\n');
  assert.equal(citationDiagnostics(w.index, w.uri).length, 0);
  w.index.close(w.uri);
  assert.equal(w.index.get(w.uri)!.text, 'Assistant: x\nNote: [[nope]]\n');
  w.index.remove(w.uri, 'disk');
  assert.equal(w.index.get(w.uri), undefined);
});
