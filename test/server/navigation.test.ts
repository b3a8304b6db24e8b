/**
 * The navigation requests against the real server (`dist/server.js`, built by `npm run build`) on a
 * copy of the fixture workspace in `test/fixtures/workspaces/navigation`.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

let root: string;
let server: TestServer;
const uri = (name: string) => pathToFileURL(join(root, name)).toString();
const doc = (name: string) => ({ textDocument: { uri: uri(name) } });

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-nav-'));
  cpSync(join('test', 'fixtures', 'workspaces', 'navigation'), root, { recursive: true });
  server = await TestServer.start({ root });
});

after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

test('definition from a citation in a file that is not open goes to the clause heading', async () => {
  const result = await server.request('textDocument/definition', { ...doc('support.transcript'), position: { line: 2, character: 9 } });
  assert.deepEqual(result, [{ uri: uri('ethics.constitution.md'), range: range(25, 3, 25, 13) }]);
});

test('hover on a citation inside a JSON string with escapes before it', async () => {
  const text = readFileSync(join(root, 'chat.json'), 'utf8');
  const character = text.indexOf('[[harm]]') + 3;
  const result = await server.hover(uri('chat.json'), { line: 0, character });
  assert.ok(result);
  assert.match(result.contents.value, /^\*\*Avoid harm\*\* `ethics#harm`\n\n\*priority: broadly-safe \(1 of 4\)\*\n\nDo not help hurt people\./);
  assert.deepEqual(result.range, range(0, character - 3, 0, character + 5));
});

test('references and the code lens of a clause count citations and flags across the workspace', async () => {
  const refs = await server.request<{ uri: string; range: unknown }[]>('textDocument/references', {
    ...doc('ethics.constitution.md'),
    position: { line: 25, character: 5 },
    context: { includeDeclaration: false },
  });
  const chat = readFileSync(join(root, 'chat.json'), 'utf8').indexOf('[[harm]]');
  assert.deepEqual(refs, [
    { uri: uri('chat.json'), range: range(0, chat, 0, chat + 8) },
    { uri: uri('onboarding.transcript.md'), range: range(8, 16, 8, 31) },
    { uri: uri('support.transcript'), range: range(2, 6, 2, 14) },
  ]);
  const lenses = await server.request<{ range: { start: { line: number } }; command: { title: string } }[]>('textDocument/codeLens', doc('ethics.constitution.md'));
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command.title]), [
    [6, 'cited in 0 turns · flagged in 0'],
    [8, 'cited in 1 turn · flagged in 1'],
    [25, 'cited in 3 turns · flagged in 0'],
    [29, 'cited in 0 turns · flagged in 0'],
  ]);
});

test('completion after [[ inside a JSON note string offers clause ids', async () => {
  const text = '{"messages": [{"role": "assistant", "content": "hi", "note": "\\"q\\" \\u00e9 [[ho"}]}';
  await server.open(uri('draft.json'), text, 'json');
  const character = text.indexOf('[[ho') + 4;
  const list = await server.request<{ items: { label: string; textEdit: unknown }[] }>('textDocument/completion', {
    ...doc('draft.json'),
    position: { line: 0, character },
  });
  assert.deepEqual(list.items.map((i) => [i.label, i.textEdit]), [['honesty', { range: range(0, character - 2, 0, character), newText: 'honesty]]' }]]);
  await server.close(uri('draft.json'));
});

test('rename of a clause id edits the anchor and the citations in three other files', async () => {
  const prepared = await server.request('textDocument/prepareRename', { ...doc('support.transcript'), position: { line: 2, character: 9 } });
  assert.deepEqual(prepared, { range: range(2, 8, 2, 12), placeholder: 'harm' });
  const edit = await server.request<{ changes: Record<string, unknown[]> }>('textDocument/rename', {
    ...doc('support.transcript'),
    position: { line: 2, character: 9 },
    newName: 'avoid_harm',
  });
  const chat = readFileSync(join(root, 'chat.json'), 'utf8').indexOf('harm]]');
  assert.deepEqual(edit.changes, {
    [uri('ethics.constitution.md')]: [
      { range: range(13, 46, 13, 50), newText: 'avoid_harm' },
      { range: range(25, 16, 25, 20), newText: 'avoid_harm' },
    ],
    [uri('chat.json')]: [{ range: range(0, chat, 0, chat + 4), newText: 'avoid_harm' }],
    [uri('onboarding.transcript.md')]: [{ range: range(8, 25, 8, 29), newText: 'avoid_harm' }],
    [uri('support.transcript')]: [{ range: range(2, 8, 2, 12), newText: 'avoid_harm' }],
  });
  await assert.rejects(
    server.request('textDocument/prepareRename', { ...doc('support.transcript'), position: { line: 0, character: 3 } }),
    /Only clause ids can be renamed/,
  );
});

test('outline, folding and document links', async () => {
  const symbols = await server.request<{ name: string; children?: { name: string }[] }[]>('textDocument/documentSymbol', doc('ethics.constitution.md'));
  assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]), [['Ethics', ['Be honest', 'Avoid harm', 'Plain heading']]]);
  const turns = await server.request<{ name: string }[]>('textDocument/documentSymbol', doc('onboarding.transcript.md'));
  assert.deepEqual(turns.map((t) => t.name), ['User', 'Assistant']);
  const folds = await server.request('textDocument/foldingRange', doc('support.transcript'));
  assert.deepEqual(folds, [{ startLine: 1, endLine: 2 }]);
  const links = await server.request('textDocument/documentLink', doc('ethics.constitution.md'));
  assert.deepEqual(links, [{ range: range(13, 45, 13, 50), target: `${uri('ethics.constitution.md')}#L26`, tooltip: 'Go to “Avoid harm”' }]);
});

test('a flag offers review actions, and the review edit request writes the note', async () => {
  const diagnostics = await server.diagnostics(uri('support.transcript'));
  const flag = diagnostics.find((d) => d.code === 'claims-human');
  assert.ok(flag, JSON.stringify(diagnostics));
  const actions = await server.request<{ title: string; command?: { command: string; arguments: unknown[] } }[]>('textDocument/codeAction', {
    ...doc('support.transcript'),
    range: flag.range,
    context: { diagnostics: [flag] },
  });
  assert.deepEqual(actions.map((a) => a.title), [
    'Mark “claims-human” as reviewed…',
    'Agree: violates honesty',
    'Disagree: complies with honesty',
    'Cite this clause (Be honest) in a note',
    'Label turn…',
  ]);
  const label = await server.request('constitutionLens/labelEdit', { uri: uri('support.transcript'), conversation: 0, turn: 1, verdict: 'violates', clause: 'honesty', reason: 'it claims to be human' });
  assert.deepEqual(label, { changes: { [uri('support.transcript')]: [{ range: range(2, 30, 2, 30), newText: '\nNote: violates [[honesty]]: it claims to be human' }] } });
  assert.deepEqual(actions[0].command!.arguments, [{ uri: uri('support.transcript'), conversation: 0, turn: 1, rule: 'claims-human' }]);
  const edit = await server.request('constitutionLens/reviewEdit', { uri: uri('support.transcript'), conversation: 0, turn: 1, rule: 'claims-human', reason: 'quoted' });
  assert.deepEqual(edit, { changes: { [uri('support.transcript')]: [{ range: range(2, 30, 2, 30), newText: '\nNote: reviewed claims-human: quoted' }] } });
});

test('files changed on disk while not open are read again from the watcher events', async () => {
  const constitution = readFileSync(join(root, 'ethics.constitution.md'), 'utf8');
  writeFileSync(join(root, 'ethics.constitution.md'), `${constitution}\n## Be kind {#kind}\n\nBe kind.\n`);
  writeFileSync(join(root, 'support.transcript'), 'User: hi\nAssistant: hello\nNote: [[kind]] [[harn]]\n');
  // A changed constitution makes the server ask for fresh diagnostics once every event is applied.
  const refreshed = server.waitForRefresh();
  await server.filesChanged([
    { uri: uri('ethics.constitution.md'), type: 2 },
    { uri: uri('support.transcript'), type: 2 },
  ]);
  await refreshed;
  const result = await server.request('textDocument/definition', { ...doc('support.transcript'), position: { line: 2, character: 9 } });
  assert.deepEqual(result, [{ uri: uri('ethics.constitution.md'), range: range(33, 3, 33, 10) }]);
  const diagnostics = await server.diagnostics(uri('support.transcript'));
  assert.deepEqual(diagnostics.map((d) => [d.code, d.message]), [['transcript.unknown-citation', 'No clause has the id “harn”. Did you mean “harm”?']]);
});
