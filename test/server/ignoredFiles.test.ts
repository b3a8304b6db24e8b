/**
 * The workspace walk leaves out what VS Code's search leaves out: what `.gitignore` files ignore
 * (nested ones too, with a `!` rule taking a file back), and what `files.exclude` and
 * `search.exclude` name. An open file is checked all the same, and a changed `.gitignore` or setting
 * walks the workspace again. On a copy of `test/fixtures/workspaces/ignored`.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';

let root: string;
let server: TestServer;
const uri = (name: string) => pathToFileURL(join(root, name)).toString();
const sections = {
  'files.exclude': { '**/.git': true, '**/scratch': true, '**/chats/*.bak': false },
  // An entry with `when` hides a file beside a sibling only, in the explorer; the walk reads it.
  'search.exclude': { '**/node_modules': true, '**/*.transcript': { when: '$(basename).jsonl' } },
};

/** The workspace files (relative to the root) that the Problems panel lists, and what it says of each. */
async function workspaceFiles(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const report of await server.workspaceDiagnostics()) {
    out.set(report.uri.slice(pathToFileURL(root).toString().length + 1), report.items.map((d) => String(d.code)));
  }
  return out;
}

/** Waits until the workspace report holds what `holds` looks for: the events before it have been applied. */
async function until(holds: (files: Map<string, string[]>) => boolean): Promise<Map<string, string[]>> {
  for (let i = 0; i < 200; i++) {
    const files = await workspaceFiles();
    if (holds(files)) return files;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the workspace report never came to hold what was awaited');
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-ignored-'));
  cpSync(join('test', 'fixtures', 'workspaces', 'ignored'), root, { recursive: true });
  server = await TestServer.start({ root, sections });
});

after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

test('workspace diagnostics leave out what .gitignore, a nested .gitignore and files.exclude leave out', async () => {
  const files = await workspaceFiles();
  assert.deepEqual([...files.keys()].sort(), ['chats/support.transcript', 'logs/reviewed.jsonl', 'policy.constitution.md']);
  assert.deepEqual(files.get('chats/support.transcript'), ['claims-human'], 'what is kept is checked');
  assert.deepEqual(files.get('logs/reviewed.jsonl'), ['claims-human'], 'a nested .gitignore takes a file back with !');
  assert.ok(
    server.logs.some((l) => l.includes('Left out 3 files and folders')),
    `the log says what the walk left out: ${server.logs.join('\n')}`,
  );
});

test('references and the rename of a clause reach no ignored file', async () => {
  const at = { textDocument: { uri: uri('policy.constitution.md') }, position: { line: 2, character: 17 } };
  const refs = await server.request<{ uri: string }[]>('textDocument/references', { ...at, context: { includeDeclaration: false } });
  // A clause's references are its citations and the findings that name it.
  assert.deepEqual([...new Set(refs.map((r) => r.uri))].sort(), [uri('chats/support.transcript'), uri('logs/reviewed.jsonl')]);
  const edit = await server.request<{ changes?: Record<string, unknown[]>; documentChanges?: { textDocument: { uri: string } }[] }>('textDocument/rename', {
    ...at,
    newName: 'candour',
  });
  const uris = edit.documentChanges ? edit.documentChanges.map((c) => c.textDocument.uri) : Object.keys(edit.changes ?? {});
  const changed = uris.filter((u) => !u.endsWith('.md')).sort();
  assert.deepEqual(changed, [uri('chats/support.transcript')]);
});

test('an ignored file that is open is checked', async () => {
  for (const name of ['build/support.transcript', 'scratch/draft.transcript', 'logs/run.jsonl']) {
    const opened = await server.openFile(join(root, name), name.endsWith('.jsonl') ? 'jsonl' : 'transcript');
    assert.deepEqual((await server.diagnostics(opened)).map((d) => d.code), ['claims-human'], name);
    await server.close(opened);
  }
  const files = await workspaceFiles();
  assert.ok(!files.has('build/support.transcript'), 'closed, it is out of the workspace again');
});

test('a file created in an ignored folder is left out; one created elsewhere is read', async () => {
  const text = 'User: Who are you?\nAssistant: I am a person.\n';
  writeFileSync(join(root, 'build', 'new.transcript'), text);
  writeFileSync(join(root, 'chats', 'new.transcript'), text);
  await server.filesChanged([
    { uri: uri('build/new.transcript'), type: 1 },
    { uri: uri('chats/new.transcript'), type: 1 },
  ]);
  const files = await until((f) => f.has('chats/new.transcript'));
  assert.ok(!files.has('build/new.transcript'));
});

test('a changed .gitignore walks the workspace again', async () => {
  const path = join(root, '.gitignore');
  const refreshed = server.waitForRefresh();
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^build\/$/m, ''));
  await server.filesChanged([{ uri: uri('.gitignore'), type: 2 }]);
  await refreshed;
  const files = await workspaceFiles();
  assert.deepEqual(files.get('build/support.transcript'), ['claims-human']);
  assert.ok(files.has('build/new.transcript'));
  assert.ok(!files.has('logs/run.jsonl'), 'the nested .gitignore still ignores the raw runs');
});

test('a changed search.exclude walks the workspace again and forgets what it now leaves out', async () => {
  server.sections = { ...sections, 'search.exclude': { 'chats/**': true, chats: true } };
  const refreshed = server.waitForRefresh();
  await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await refreshed;
  const files = await workspaceFiles();
  assert.ok(!files.has('chats/support.transcript') && !files.has('chats/new.transcript'), [...files.keys()].join(', '));
  assert.ok(files.has('logs/reviewed.jsonl'));
  mkdirSync(join(root, 'chats', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'chats', 'deeper', 'later.transcript'), 'User: hi\nAssistant: I am a person.\n');
  writeFileSync(join(root, 'later.transcript'), 'User: hi\nAssistant: I am a person.\n');
  await server.filesChanged([
    { uri: uri('chats/deeper/later.transcript'), type: 1 },
    { uri: uri('later.transcript'), type: 1 },
  ]);
  const after = await until((f) => f.has('later.transcript'));
  assert.ok(!after.has('chats/deeper/later.transcript'), 'an event under an excluded folder is left out');
});
