/**
 * The reading view's requests against the real server: an open transcript's entry with its flags, a
 * dataset's rows by page, and requests that name nothing the server holds answered as such, never
 * with a crash.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  conversationListRequest,
  conversationViewRequest,
  type ConversationListResult,
  type ConversationViewResult,
} from '../../server/src/protocol.ts';
import { TestServer } from '../support/lspClient.ts';

let root: string;
let server: TestServer;
const uri = (name: string) => pathToFileURL(join(root, name)).toString();

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-view-'));
  cpSync('examples', root, { recursive: true });
  server = await TestServer.start({ root });
  for (const name of ['support-chat.transcript', 'chats.jsonl']) await server.open(uri(name), readFileSync(join(root, name), 'utf8'), name.endsWith('.jsonl') ? 'jsonl' : 'transcript');
});

after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

test('an open transcript: its one conversation with each flag on its turn, under the workspace constitution', async () => {
  // The workspace is read in the background: asked at once, the flags may not be there yet.
  await server.diagnostics(uri('support-chat.transcript'));
  let view: ConversationViewResult = null;
  for (let i = 0; i < 50 && !view?.conversations[0]?.turns.some((t) => t.flags.length > 0); i++) {
    view = await server.request<ConversationViewResult>(conversationViewRequest, { uri: uri('support-chat.transcript') });
  }
  assert.ok(view);
  assert.equal(view.dataset, false);
  const flags = view.conversations[0].turns.flatMap((t) => t.flags.map((f) => [t.index, f.rule, f.constitution, t.blocks[f.block].text.slice(f.start, f.end)]));
  assert.deepEqual(flags, [
    [2, 'flattering-opener', 'policy', 'What a great question'],
    [4, 'stacked-hedges', 'policy', 'might possibly'],
    [4, 'stacked-hedges', 'policy', 'could perhaps'],
    [4, 'stacked-hedges', 'policy', 'may potentially'],
  ]);
});

test("a dataset's rows come a page at a time, and an entry past the end shows the first", async () => {
  const first = await server.request<ConversationListResult>(conversationListRequest, { uri: uri('chats.jsonl'), start: 0, count: 2 });
  assert.ok(first);
  assert.deepEqual(first.rows.map((r) => r.entry), [0, 1]);
  assert.equal(first.next, 2);
  const rest = await server.request<ConversationListResult>(conversationListRequest, { uri: uri('chats.jsonl'), start: 2, count: 100 });
  assert.deepEqual(rest?.rows.map((r) => r.entry), [2, 3]);
  assert.equal(rest?.next, undefined);
  const past = await server.request<ConversationViewResult>(conversationViewRequest, { uri: uri('chats.jsonl'), entry: 99 });
  assert.equal(past?.entry, 0);
});

test('requests for what the server does not hold, or with broken parameters, answer null', async () => {
  assert.equal(await server.request(conversationViewRequest, { uri: uri('policy.constitution.md') }), null);
  assert.equal(await server.request(conversationViewRequest, { uri: 'file:///nowhere/none.transcript' }), null);
  assert.equal(await server.request(conversationViewRequest, {}), null);
  assert.equal(await server.request(conversationListRequest, { uri: 42, start: 'x' }), null);
  const clamped = await server.request<ConversationListResult>(conversationListRequest, { uri: uri('chats.jsonl'), start: -5, count: 0 });
  assert.deepEqual(clamped?.rows.map((r) => r.entry), [0]);
});
