import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';

let dir: string;
let server: TestServer;
const uriOf = (rel: string) => pathToFileURL(join(dir, rel)).toString();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lens-server-'));
  cpSync(resolve('test', 'fixtures', 'check'), dir, { recursive: true });
  server = await TestServer.start({ root: dir });
});

after(() => server.stop());

test('the server answers initialize with the features it offers', () => {
  const caps = server.initializeResult.capabilities;
  assert.equal(caps.hoverProvider, true);
  assert.deepEqual(caps.diagnosticProvider, {
    identifier: 'constitution-lens',
    interFileDependencies: true,
    workspaceDiagnostics: true,
  });
});

test('workspace diagnostics list the flags of files that are not open', async () => {
  const reports = await server.workspaceDiagnostics();
  const chat = reports.find((r) => r.uri === uriOf('data/chat.transcript'));
  assert.ok(chat, `no report for the transcript in ${reports.map((r) => r.uri).join(', ')}`);
  assert.deepEqual(
    chat.items.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character, d.severity, d.source]),
    [
      ['claims-human', 1, 16, 28, 2, 'constitution-lens'],
      ['flattering-opener', 3, 11, 25, 3, 'constitution-lens'],
    ],
  );
  const related = chat.items[0].relatedInformation?.[0];
  assert.equal(related?.location.uri, uriOf('policy.constitution.md'));
  assert.equal(related?.location.range.start.line, 10);
  const jsonl = reports.find((r) => r.uri === uriOf('data/chats.jsonl'));
  assert.deepEqual(
    jsonl?.items.map((d) => [d.source, d.range.start.line]),
    [
      ['constitution-lens/file', 1],
      ['constitution-lens', 0],
      ['constitution-lens', 3],
    ],
  );
});

test('a hover on a flag names the principle, quotes its clause, gives severity and priority; the reason is left to the diagnostic', async () => {
  const uri = uriOf('data/chat.transcript');
  await server.open(uri, readFileSync(join(dir, 'data', 'chat.transcript'), 'utf8'), 'transcript');
  const hover = await server.hover(uri, { line: 1, character: 20 });
  assert.ok(hover);
  const md = hover.contents.value;
  assert.match(md, /\*\*Be candid about being an AI\*\*/);
  assert.match(md, /policy#ai-candour/);
  assert.match(md, /Warning · rule `claims-human`/);
  // The editor shows the diagnostic's message in the same hover, so ours does not repeat it.
  const flag = (await server.diagnostics(uri)).find((d) => d.code === 'claims-human');
  assert.ok(flag);
  assert.match(typeof flag.message === 'string' ? flag.message : flag.message.value, /The assistant says it is a person/);
  assert.equal(md.includes('The assistant says it is a person'), false, md);
  assert.match(md, /Priority: \*\*honesty\*\* \(2 of 3\); outranked by safety\./);
  assert.match(md, /> When a user sincerely asks whether they are talking to a person/);
  assert.equal(await server.hover(uri, { line: 0, character: 3 }), null);
});

test('an edit re-checks the open document, and a review note hides its flag', async () => {
  const uri = uriOf('data/chat.transcript');
  const before = await server.diagnostics(uri);
  assert.equal(before.filter((d) => d.code === 'claims-human').length, 1);
  await server.change(uri, [
    { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'Note: reviewed claims-human: the user asked for role-play\n' },
  ]);
  const after = await server.diagnostics(uri);
  assert.deepEqual(after.map((d) => d.code), ['flattering-opener']);
});

test('a changed constitution on disk refreshes diagnostics and new rules apply', async () => {
  const path = join(dir, 'policy.constitution.md');
  const refreshed = server.waitForRefresh();
  writeFileSync(path, readFileSync(path, 'utf8').replace('  kind: opens-with\n', '  kind: opens-with\n  severity: error\n'));
  await server.filesChanged([{ uri: uriOf('policy.constitution.md'), type: 2 }]);
  await refreshed;
  const uri = uriOf('data/chat.transcript');
  const flags = (await server.diagnostics(uri)).map((d) => [d.code, d.severity]);
  assert.deepEqual(flags, [['flattering-opener', 1]]);
});

test('malformed input never crashes the server: a binary-looking file and broken JSON are reported', async () => {
  const uri = uriOf('data/broken.json');
  await server.open(uri, '{"messages": [{"role": "assistant", "content": "Great question! Yes."}, ', 'json');
  const diagnostics = await server.diagnostics(uri);
  assert.ok(diagnostics.some((d) => d.source === 'constitution-lens/file'), JSON.stringify(diagnostics));
  const hover = await server.hover(uri, { line: 0, character: 5 });
  assert.ok(hover === null || typeof hover === 'object');
});
