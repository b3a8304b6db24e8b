/**
 * A workspace pull with a partial result token (as VS Code sends it) is answered a part at a time,
 * and the parts together are the one reply a client without partial results is given. A part ends
 * at a number of files or of diagnostics, whichever comes first. The server keeps no file's report
 * between pulls: a client that names the result ids it holds is told which reports are unchanged,
 * and is sent again only those of files that changed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { TestServer, type WorkspaceReport } from '../support/lspClient.ts';

const files = 250;
/** Files whose notes cite many clauses that the policy lacks, each one a problem. */
const denseFiles = 12;
const citesPerDenseFile = 30;
let root: string;
let denseRoot: string;

const policy = '# Policy\n\n## Be honest {#honesty}\n\nTell the truth.\n';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-parts-'));
  writeFileSync(join(root, 'policy.constitution.md'), policy);
  for (let i = 0; i < files; i++) {
    const dir = join(root, `batch-${i % 5}`);
    mkdirSync(dir, { recursive: true });
    // Every other file cites a clause the policy lacks, so that most reports hold a problem.
    writeFileSync(join(dir, `chat-${i}.transcript`), `User: question ${i}\nAssistant: answer ${i}\nNote: [[${i % 2 === 0 ? 'honesty' : `missing-${i}`}]]\n`);
  }
  denseRoot = mkdtempSync(join(tmpdir(), 'constitution-lens-dense-'));
  writeFileSync(join(denseRoot, 'policy.constitution.md'), policy);
  for (let i = 0; i < denseFiles; i++) {
    const notes = Array.from({ length: citesPerDenseFile }, (_, k) => `[[missing-${i}-${k}]]`).join(' ');
    writeFileSync(join(denseRoot, `chat-${i}.transcript`), `User: question ${i}\nAssistant: answer ${i}\nNote: ${notes}\n`);
  }
});

after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(denseRoot, { recursive: true, force: true });
});

const byUri = (reports: readonly WorkspaceReport[]) => [...reports].sort((a, b) => (a.uri < b.uri ? -1 : 1));
/** The reports without their result ids, which differ from one pull to the next. */
const contents = (reports: readonly WorkspaceReport[]) => byUri(reports).map((r) => ({ kind: r.kind, uri: r.uri, items: r.items }));

test('workspace diagnostics come in parts to a client that takes them, the same reports as one reply', async () => {
  const server = await TestServer.start({ root });
  try {
    const parts: number[] = [];
    const inParts = await server.workspaceDiagnostics({ parts });
    const whole = await server.workspaceDiagnostics({ partial: false });
    assert.ok(parts[0] >= 2, `a workspace of ${files + 1} files comes in more than one part (${parts[0]})`);
    assert.equal(inParts.length, files + 1, 'every file has one report');
    assert.equal(inParts.filter((r) => r.uri.endsWith('.transcript') && r.items.length > 0).length, files / 2, 'each citation of a missing clause is reported');
    assert.deepEqual(contents(inParts), contents(whole));
  } finally {
    await server.stop();
  }
});

test('a part of the workspace diagnostics ends once it holds a hundred diagnostics, however few its files', async () => {
  const server = await TestServer.start({ root: denseRoot });
  try {
    const partSizes: { files: number; diagnostics: number }[] = [];
    const inParts = await server.workspaceDiagnostics({ partSizes });
    const whole = await server.workspaceDiagnostics({ partial: false });
    const total = inParts.reduce((n, r) => n + r.items.length, 0);
    const citations = inParts.reduce((n, r) => n + r.items.filter((d) => /missing-/.test(String(d.message))).length, 0);
    assert.equal(citations, denseFiles * citesPerDenseFile, 'each citation of a missing clause is reported');
    // A part stops at the file that takes it to a hundred diagnostics, so no part holds more than
    // a hundred and one file's worth.
    for (const part of partSizes) assert.ok(part.diagnostics < 100 + citesPerDenseFile, `a part holds ${part.diagnostics} diagnostics`);
    assert.ok(partSizes.length >= Math.floor(total / (100 + citesPerDenseFile)), `${total} diagnostics come in ${partSizes.length} parts`);
    assert.deepEqual(contents(inParts), contents(whole));
  } finally {
    await server.stop();
  }
});

test('a client that names its result ids is sent again only the reports of files that changed', async () => {
  const server = await TestServer.start({ root });
  try {
    const first = await server.workspaceDiagnostics();
    assert.ok(first.every((r) => r.kind === 'full' && typeof r.resultId === 'string'), 'a first pull is sent every report, each with a result id');
    const held = first.map((r) => ({ uri: r.uri, value: r.resultId! }));

    const again = await server.workspaceDiagnostics({ previous: held });
    assert.equal(again.length, first.length);
    assert.ok(again.every((r) => r.kind === 'unchanged' && r.items === undefined), 'nothing changed, so no report is sent again');
    assert.deepEqual(
      byUri(again).map((r) => r.resultId),
      byUri(first).map((r) => r.resultId),
      'an unchanged report keeps its result id',
    );

    // One transcript now cites a clause the policy lacks.
    const path = join(root, 'batch-0', 'chat-0.transcript');
    const uri = pathToFileURL(path).toString();
    writeFileSync(path, 'User: question 0\nAssistant: answer 0\nNote: [[missing-now]]\n');
    await server.filesChanged([{ uri, type: 2 }]);
    // The server reads the changed file in its own time; the client pulls until the change shows.
    let afterEdit = await server.workspaceDiagnostics({ previous: held });
    for (let tries = 0; tries < 50 && afterEdit.every((r) => r.kind === 'unchanged'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      afterEdit = await server.workspaceDiagnostics({ previous: held });
    }
    const changed = afterEdit.filter((r) => r.kind === 'full');
    assert.deepEqual(
      changed.map((r) => r.uri),
      [uri],
      'only the changed file is sent',
    );
    assert.notEqual(changed[0].resultId, held.find((h) => h.uri === uri)!.value, 'its report has a new result id');
    assert.match(changed[0].items.map((d) => d.message).join('\n'), /missing-now/);

    // A client that holds nothing (a new window) is sent every report again, as the first pull was,
    // though the server kept none of them.
    const fresh = await server.workspaceDiagnostics();
    assert.ok(fresh.every((r) => r.kind === 'full'));
    assert.deepEqual(
      contents(fresh).filter((r) => r.uri !== uri),
      contents(first).filter((r) => r.uri !== uri),
    );
  } finally {
    await server.stop();
  }
});
