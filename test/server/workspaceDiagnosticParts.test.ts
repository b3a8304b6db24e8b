/**
 * A workspace pull with a partial result token (as VS Code sends it) is answered a part at a time,
 * and the parts together are the one reply a client without partial results is given.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestServer } from '../support/lspClient.ts';

const files = 250;
let root: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-parts-'));
  writeFileSync(join(root, 'policy.constitution.md'), '# Policy\n\n## Be honest {#honesty}\n\nTell the truth.\n');
  for (let i = 0; i < files; i++) {
    const dir = join(root, `batch-${i % 5}`);
    mkdirSync(dir, { recursive: true });
    // Every other file cites a clause the policy lacks, so that most reports hold a problem.
    writeFileSync(join(dir, `chat-${i}.transcript`), `User: question ${i}\nAssistant: answer ${i}\nNote: [[${i % 2 === 0 ? 'honesty' : `missing-${i}`}]]\n`);
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

test('workspace diagnostics come in parts to a client that takes them, the same reports as one reply', async () => {
  const server = await TestServer.start({ root });
  try {
    const parts: number[] = [];
    const inParts = await server.workspaceDiagnostics({ parts });
    const whole = await server.workspaceDiagnostics({ partial: false });
    assert.ok(parts[0] >= 2, `a workspace of ${files + 1} files comes in more than one part (${parts[0]})`);
    const byUri = (reports: typeof whole) => [...reports].sort((a, b) => (a.uri < b.uri ? -1 : 1));
    assert.equal(inParts.length, files + 1, 'every file has one report');
    assert.equal(inParts.filter((r) => r.uri.endsWith('.transcript') && r.items.length > 0).length, files / 2, 'each citation of a missing clause is reported');
    assert.deepEqual(byUri(inParts), byUri(whole));
  } finally {
    await server.stop();
  }
});
