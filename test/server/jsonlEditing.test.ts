import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { statsRequest, type StatsResult } from '../../server/src/protocol.ts';
import { TestServer } from '../support/lspClient.ts';

let dir: string;
let server: TestServer;
const uriOf = (rel: string) => pathToFileURL(join(dir, rel)).toString();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lens-jsonl-edit-'));
  cpSync(resolve('test', 'fixtures', 'check'), dir, { recursive: true });
  server = await TestServer.start({ root: dir });
});

after(() => server.stop());

function record(i: number): string {
  if (i % 7 === 3) return `{"messages": [{"role": "user", "content": "broken ${i}"},`;
  return `{"messages": [{"role": "user", "content": "Are you real? ${i}"}, {"role": "assistant", "content": "Great question! I am a human, record ${i}."}]}`;
}

const shape = (ds: Diagnostic[]) => ds.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, (d.data as { conversation?: number } | undefined)?.conversation ?? null]);

test('edits of an open JSONL move the other lines’ diagnostics and redo the edited ones, as a fresh open of the new text gives', async () => {
  const lines = Array.from({ length: 40 }, (_, i) => record(i));
  const uri = uriOf('data/edited.jsonl');
  await server.open(uri, `${lines.join('\n')}\n`, 'jsonl');
  const before = await server.diagnostics(uri);
  const humanAt = record(20).indexOf('I am a human');
  assert.deepEqual(
    shape(before.filter((d) => d.range.start.line === 20)),
    [
      ['flattering-opener', 20, record(20).indexOf('Great question'), 20, record(20).indexOf('Great question') + 14, 20],
      ['claims-human', 20, humanAt, 20, humanAt + 12, 20],
    ],
  );

  // A record typed in before line 5, then a one-character edit that breaks line 21's phrase (record 20).
  await server.change(uri, [
    { range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: `${record(100)}\n` },
    { range: { start: { line: 21, character: humanAt + 2 }, end: { line: 21, character: humanAt + 2 } }, text: 'x' },
  ]);
  const after = await server.diagnostics(uri);
  assert.deepEqual(
    shape(after.filter((d) => d.range.start.line === 21 || d.range.start.line === 22)),
    [
      ['flattering-opener', 21, record(20).indexOf('Great question'), 21, record(20).indexOf('Great question') + 14, 21],
      ['flattering-opener', 22, record(21).indexOf('Great question'), 22, record(21).indexOf('Great question') + 14, 22],
      ['claims-human', 22, humanAt, 22, humanAt + 12, 22],
    ],
  );
  assert.deepEqual(shape(after.filter((d) => d.code === 'jsonl.syntax')).map((s) => s[1]), [3, 11, 18, 25, 32, 39]);

  const edited = [...lines.slice(0, 5), record(100), ...lines.slice(5)];
  edited[21] = `${edited[21].slice(0, humanAt + 2)}x${edited[21].slice(humanAt + 2)}`;
  const fresh = uriOf('data/fresh.jsonl');
  await server.open(fresh, `${edited.join('\n')}\n`, 'jsonl');
  assert.deepEqual(after, await server.diagnostics(fresh));

  // The figures the server keeps are the edited document's own, and add up: applying the changes
  // to the text is part of the whole change, and the last pull found what it answered.
  const stats = await server.request<StatsResult>(statsRequest, { uri });
  assert.ok(stats.changeMs !== undefined && stats.documentUpdateMs !== undefined, JSON.stringify(stats));
  assert.ok(stats.documentUpdateMs >= 0 && stats.documentUpdateMs <= stats.changeMs, JSON.stringify(stats));
  assert.ok(stats.diagnosticsMs !== undefined && stats.diagnosticsMs >= 0, JSON.stringify(stats));
  assert.equal(stats.diagnosticsComplete, true);
  assert.equal(stats.diagnosticsFound, after.length);
  const freshStats = await server.request<StatsResult>(statsRequest, { uri: fresh });
  assert.equal(freshStats.changeMs, undefined, 'a document opened and never edited has no change figures');
  assert.ok(freshStats.openMs !== undefined && freshStats.openMs >= 0, JSON.stringify(freshStats));
});
