/**
 * Honest indexing: while the server first reads the workspace it says so ("Indexing 120 of 300
 * files"), and workspace-wide requests asked at once wait for it rather than answer from part of it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';

const files = 300;
let root: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-indexing-'));
  writeFileSync(join(root, 'policy.constitution.md'), '# Policy\n\n## Be honest {#honesty}\n\nTell the truth.\n');
  for (let i = 0; i < files; i++) {
    const dir = join(root, `batch-${i % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `chat-${i}.transcript`), `User: question ${i}\nAssistant: answer ${i}\nNote: [[honesty]]\n`);
  }
  // A link back to the root: the walk does not follow it, so it ends.
  symlinkSync(root, join(root, 'batch-0', 'loop'), 'dir');
});

after(() => rmSync(root, { recursive: true, force: true }));

const range = (line: number, character: number) => ({ line, character });

test('a rename, references and workspace diagnostics asked right after start cover every file; indexing shows its progress', async () => {
  const server = await TestServer.start({ root, workDoneProgress: true, waitForIndex: false });
  try {
    const constitution = pathToFileURL(join(root, 'policy.constitution.md')).toString();
    const [edit, refs, workspace] = await Promise.all([
      server.request<{ changes?: Record<string, unknown[]>; documentChanges?: Array<{ textDocument: { uri: string } }> }>('textDocument/rename', {
        textDocument: { uri: constitution },
        position: range(2, 20),
        newName: 'candour',
      }),
      server.request<unknown[]>('textDocument/references', { textDocument: { uri: constitution }, position: range(2, 20), context: { includeDeclaration: false } }),
      server.workspaceDiagnostics(),
    ]);
    const changed = edit.documentChanges ? new Set(edit.documentChanges.map((c) => c.textDocument.uri)) : new Set(Object.keys(edit.changes ?? {}));
    assert.equal([...changed].filter((u) => u.endsWith('.transcript')).length, files, 'every citing file is renamed');
    assert.equal(refs.length, files, 'every citation is found');
    assert.equal(workspace.filter((r) => r.uri.endsWith('.transcript')).length, files, 'every transcript has its report');

    const kinds = server.progress.map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    const reports = server.progress.filter((p) => p.value.kind === 'report');
    assert.ok(reports.length >= 1, 'at least the last count is reported');
    assert.match(reports.at(-1)!.value.message ?? '', new RegExp(`^Indexing ${files + 1} of ${files + 1} files$`));
    assert.equal(reports.at(-1)!.value.percentage, 100);
  } finally {
    await server.stop();
  }
});
