import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { documentSymbols } from '../../server/src/core/features/symbols.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import { capitalised, conversationName, turnName } from '../../server/src/core/transcript/placeName.ts';
import { workspace } from './workspace.ts';
import { builtFile } from '../support/dist.ts';

const fixtures = resolve('test', 'fixtures', 'check');

test('turns and conversations are named from 0, with the role as the file writes it', () => {
  const transcript = parseTranscript('System: Be brief.\n\nHuman: Sum?\n\nAssistant: 4.\n', 'a.transcript');
  const turns = transcript.conversations[0]!.turns;
  assert.deepEqual(turns.map((t) => turnName(t)), ['turn 0 (System)', 'turn 1 (Human)', 'turn 2 (Assistant)']);
  assert.equal(capitalised(turnName(turns[2]!)), 'Turn 2 (Assistant)');
  assert.equal(conversationName(transcript.conversations[0]!), 'conversation 0');
});

test('the outline, the JSON report and the names agree on the numbers of a flagged turn', () => {
  const check = spawnSync(process.execPath, [builtFile('cli.js'), 'check', '--format', 'json', 'data/chats.jsonl'], { cwd: fixtures, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const report = JSON.parse(check.stdout) as { findings: { conversation: number; turn: number; rule: string }[] };
  const flattering = report.findings.find((f) => f.rule === 'flattery');
  assert.ok(flattering, check.stdout);
  assert.deepEqual([flattering.conversation, flattering.turn], [2, 1]);

  const text = readFileSync(join(fixtures, 'data', 'chats.jsonl'), 'utf8');
  const w = workspace({ 'chats.jsonl': text });
  const outline = documentSymbols(w.index, w.uri);
  // The broken second line is no conversation, and the third line's keeps its place among the non-empty lines.
  assert.deepEqual(outline.map((s) => s.name), ['Conversation 0', 'Conversation 2']);
  const conversation = parseTranscript(text, 'chats.jsonl').conversations.find((c) => c.index === flattering.conversation)!;
  assert.equal(capitalised(conversationName(conversation)), outline[1]!.name);
  assert.equal(turnName(conversation.turns[flattering.turn]!), 'turn 1 (assistant)');
});
