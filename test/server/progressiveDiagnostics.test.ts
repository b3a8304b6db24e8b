import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { limitCode, limitDiagnostics } from '../../server/src/core/features/diagnosticLimit.ts';
import { fileDiagnostics } from '../../server/src/core/features/fileDiagnostics.ts';
import { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';
import { statsRequest, type StatsResult } from '../../server/src/protocol.ts';
import { TestServer } from '../support/lspClient.ts';

let server: TestServer;
const starterPath = resolve('constitutions', 'starter.constitution.md');

before(async () => {
  // A budget of 0 makes the first pull stop after the first line it checks, whatever the machine's speed.
  server = await TestServer.start({ diagnosticsBudgetMs: 0 });
});

after(() => server.stop());

function record(i: number): string {
  if (i % 50 === 7) return `{"messages": [{"role": "user", "content": "broken ${i}"},`;
  return `{"id": "r${i}", "messages": [{"role": "user", "content": "Who are you, record ${i}?"}, {"role": "assistant", "content": "Great question! I am a human being, and this is record ${i}."}]}`;
}

/** What the starter constitution flags in `text`, as one complete pull would give it. */
function expected(uri: string, text: string) {
  const index = new WorkspaceIndex({ starter: { uri: pathToFileURL(starterPath).toString(), text: readFileSync(starterPath, 'utf8') } });
  index.upsert(uri, text, 1, 'open');
  return fileDiagnostics(index, uri);
}

test('a large JSONL answers its first pull with the top of the file, then asks for a pull that gets all of it, limited as the editor limits it', { timeout: 120_000 }, async () => {
  const text = `${Array.from({ length: 9000 }, (_, i) => record(i)).join('\n')}\n`;
  assert.ok(text.length > 1 << 20, 'the document is large enough to be answered progressively');
  const uri = 'file:///data/large.jsonl';
  const all = expected(uri, text);
  assert.ok(all.length > 1000);

  await server.open(uri, text, 'jsonl');
  const first = await server.diagnostics(uri);
  assert.deepEqual(first, all.filter((d) => d.range.start.line === 0));
  const firstStats = await server.request<StatsResult>(statsRequest, { uri });
  assert.equal(firstStats.diagnosticsComplete, false);

  // The server checks the rest between requests and then asks the client to pull again.
  let report = first;
  for (let attempt = 0; attempt < 20; attempt++) {
    await server.waitForRefresh();
    report = await server.diagnostics(uri);
    if ((await server.request<StatsResult>(statsRequest, { uri })).diagnosticsComplete) break;
  }
  const stats = await server.request<StatsResult>(statsRequest, { uri });
  assert.equal(stats.diagnosticsComplete, true);
  assert.equal(stats.diagnosticsFound, all.length);
  // The work of finishing in the background is part of the time it took, which pauses for other requests.
  assert.ok(stats.finishMs !== undefined && stats.finishedAfterMs !== undefined, JSON.stringify(stats));
  assert.ok(stats.finishMs > 0 && stats.finishMs <= stats.finishedAfterMs, JSON.stringify(stats));
  assert.deepEqual(report, limitDiagnostics(all, 1000));
  assert.equal(report.length, 1000);
  assert.equal(report.at(-1)!.code, limitCode);
  assert.equal(report.filter((d) => d.severity === 1).length, all.filter((d) => d.severity === 1).length, 'every error is kept');
});

test('a small document is answered in full on the first pull, whatever the budget', async () => {
  const text = `${Array.from({ length: 40 }, (_, i) => record(i)).join('\n')}\n`;
  const uri = 'file:///data/small.jsonl';
  await server.open(uri, text, 'jsonl');
  assert.deepEqual(await server.diagnostics(uri), expected(uri, text));
  assert.equal((await server.request<StatsResult>(statsRequest, { uri })).diagnosticsComplete, true);
});
