import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TestServer } from '../support/lspClient.ts';

let dir: string;
let server: TestServer;
const uriOf = (rel: string) => pathToFileURL(join(dir, rel)).toString();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lens-server-'));
  cpSync(resolve('test', 'fixtures', 'check'), dir, { recursive: true });
  // A transcript saved gzipped under its plain name: real binary content, NUL bytes in its header.
  writeFileSync(join(dir, 'data', 'archive.transcript'), gzipSync(readFileSync(join(dir, 'data', 'chats.jsonl'))));
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

/** What the server says of a file that holds NUL characters. */
const binaryMessage = 'This file looks binary (it holds NUL characters), so it is not read as a transcript.';

test('a binary file is left out of the workspace with a logged reason, and reported as binary when opened', async () => {
  const bytes = readFileSync(join(dir, 'data', 'archive.transcript'));
  assert.ok(bytes.includes(0), 'the gzip file holds NUL bytes');
  const uri = uriOf('data/archive.transcript');
  const onDisk = await server.workspaceDiagnostics();
  assert.equal(onDisk.find((r) => r.uri === uri), undefined, 'the workspace does not index a binary file');
  assert.ok(
    server.logs.some((l) => l.includes(`${join(dir, 'data', 'archive.transcript')} looks binary (it holds NUL bytes); it is not checked.`)),
    server.logs.join('\n'),
  );
  // An editor that opens the file anyway decodes it as UTF-8, which keeps the NULs.
  await server.open(uri, new TextDecoder().decode(bytes), 'transcript');
  assert.deepEqual(
    (await server.diagnostics(uri)).map((d) => [d.code, d.source, d.severity, d.message, d.range.start.line, d.range.start.character]),
    [['file.binary', 'constitution-lens/file', 1, binaryMessage, 0, 0]],
  );
  assert.equal(await server.hover(uri, { line: 0, character: 1 }), null);
});

test('malformed input never crashes the server: broken JSON is reported, and what it holds is still flagged and hovered', async () => {
  const uri = uriOf('data/broken.json');
  const text = '{"messages": [{"role": "assistant", "content": "Great question! Yes."}, ';
  await server.open(uri, text, 'json');
  const diagnostics = await server.diagnostics(uri);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.source, d.range.start.character]),
    [
      ['json.syntax', 'constitution-lens/file', text.length],
      ['json.syntax', 'constitution-lens/file', text.length],
      ['json.syntax', 'constitution-lens/file', text.length],
      ['flattering-opener', 'constitution-lens', text.indexOf('Great question')],
    ],
  );
  const hover = await server.hover(uri, { line: 0, character: text.indexOf('question') });
  assert.ok(hover, 'the flag in the broken file has a hover');
  assert.match(hover.contents.value, /\*\*Answer without flattery\*\* `policy#no-flattery`/);
  // The test before made this rule an error.
  assert.match(hover.contents.value, /Error · rule `flattering-opener`/);
  assert.deepEqual(hover.range, diagnostics[3].range);
  assert.equal(await server.hover(uri, { line: 0, character: 5 }), null, 'no hover away from a flag');
});
