import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTranscriptFileName, looksLikeTranscript, parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { Span } from '../../server/src/core/text.ts';
import { turnText } from '../../server/src/core/transcript/model.ts';

const at = (source: string, s: Span | undefined) => (s ? source.slice(s.start, s.end) : undefined);

test('text transcript: turns, labels, multi-line text and notes with citations', () => {
  const src = [
    'Human: How do I boil an egg?',
    '',
    'Assistant: Put it in boiling water.',
    'Then wait nine minutes.',
    'Note: fine, see [[helpfulness]] and [[spec#be_clear]]',
    '  which is the house style.',
    'User: Thanks',
  ].join('\n');
  const t = parseTranscript(src, 'chat.transcript');
  assert.equal(t.format, 'text');
  assert.deepEqual(t.problems, []);
  const turns = t.conversations[0].turns;
  assert.deepEqual(turns.map((x) => [x.role, x.roleLabel]), [['user', 'Human'], ['assistant', 'Assistant'], ['user', 'User']]);
  assert.equal(at(src, turns[0].roleSpan), 'Human:');
  assert.equal(at(src, turns[0].blocks[0].span), 'How do I boil an egg?');
  assert.equal(turns[1].blocks[0].text.text, 'Put it in boiling water.\nThen wait nine minutes.');
  assert.equal(at(src, turns[1].blocks[0].span), 'Put it in boiling water.\nThen wait nine minutes.');
  const note = turns[1].notes[0];
  assert.equal(note.text.text, 'fine, see [[helpfulness]] and [[spec#be_clear]]\n  which is the house style.');
  assert.equal(at(src, note.span), 'Note: fine, see [[helpfulness]] and [[spec#be_clear]]\n  which is the house style.');
  assert.deepEqual(note.citations.map((c) => [c.id, c.constitution, at(src, c.span), at(src, c.idSpan)]), [
    ['helpfulness', undefined, '[[helpfulness]]', 'helpfulness'],
    ['be_clear', 'spec', '[[spec#be_clear]]', 'be_clear'],
  ]);
  assert.equal(at(src, turns[1].span), 'Assistant: Put it in boiling water.\nThen wait nine minutes.\nNote: fine, see [[helpfulness]] and [[spec#be_clear]]\n  which is the house style.');
  assert.equal(turnText(turns[2]), 'Thanks');
});

test('text transcript: hh-rlhf style, a word maps to its place', () => {
  const src = '\n\nHuman: What is two plus two?\n\nAssistant: It is four.';
  const t = parseTranscript(src, 'x.transcript.txt');
  const [u, a] = t.conversations[0].turns;
  assert.equal(u.role, 'user');
  assert.equal(a.role, 'assistant');
  const b = a.blocks[0];
  const i = b.text.text.indexOf('four');
  assert.equal(src.slice(b.text.toSource(i), b.text.toSource(i + 4)), 'four');
});

test('text transcript: a note after text and before more text splits the turn into blocks; an orphan note is a warning', () => {
  const src = 'Note: nothing yet\nAssistant: one\nNote: [[x]]\ntwo';
  const t = parseTranscript(src, 'a.transcript');
  assert.deepEqual(t.problems.map((p) => [p.code, at(src, p.span)]), [['transcript.orphan-note', 'Note: nothing yet']]);
  const turn = t.conversations[0].turns[0];
  assert.deepEqual(turn.blocks.map((b) => at(src, b.span)), ['one', 'two']);
  assert.equal(turn.notes[0].citations[0].id, 'x');
});

test('markdown transcript: role headings of any level and case, notes, fences and other headings', () => {
  const src = [
    '# A support chat',
    '',
    '## User',
    'Can you help?',
    '',
    '### assistant ###',
    'Sure.',
    '```',
    '## User',
    '```',
    'Note: cites [[care]]',
    '',
    '## Commentary',
    'Not a turn.',
  ].join('\n');
  const t = parseTranscript(src, 'chat.transcript.md');
  assert.equal(t.format, 'markdown');
  const turns = t.conversations[0].turns;
  assert.deepEqual(turns.map((x) => x.role), ['user', 'assistant']);
  assert.equal(at(src, turns[0].roleSpan), 'User');
  assert.equal(at(src, turns[0].span), '## User\nCan you help?');
  assert.equal(at(src, turns[1].roleSpan), 'assistant');
  assert.equal(turns[1].blocks[0].text.text, 'Sure.\n```\n## User\n```');
  assert.equal(at(src, turns[1].notes[0].citations[0].idSpan), 'care');
});

test('prompt files: the body after front matter is one system turn', () => {
  const src = '---\nname: support bot\nversion: 2\n---\n\nYou are a support assistant.\nBe brief.\n';
  const t = parseTranscript(src, 'support.prompt.md');
  assert.equal(t.format, 'prompt');
  const c = t.conversations[0];
  assert.deepEqual(c.meta, { name: 'support bot', version: 2 });
  assert.equal(c.turns.length, 1);
  assert.equal(c.turns[0].role, 'system');
  assert.equal(c.turns[0].roleSpan, undefined);
  assert.equal(at(src, c.turns[0].blocks[0].span), 'You are a support assistant.\nBe brief.');
  const plain = parseTranscript('Never say you are an AI.', 'p.prompt.txt');
  assert.equal(at('Never say you are an AI.', plain.conversations[0].turns[0].blocks[0].span), 'Never say you are an AI.');
});

test('prompt files: broken front matter is a problem at its place', () => {
  const src = '---\nname: [unclosed\n---\nBody';
  const t = parseTranscript(src, 'p.prompt.md');
  assert.equal(t.problems[0].code, 'yaml.syntax');
  assert.ok(t.problems[0].span.start >= 4 && t.problems[0].span.start <= src.indexOf('---', 4));
  assert.equal(t.conversations[0].turns[0].blocks[0].text.text, 'Body');
});

test('prompty: sections by role lines, front matter kept', () => {
  const src = readFileSync(join(process.cwd(), 'test', 'fixtures', 'transcripts', 'greeter.prompty'), 'utf8');
  const t = parseTranscript(src, 'greeter.prompty');
  assert.equal(t.format, 'prompty');
  const c = t.conversations[0];
  assert.equal((c.meta as { name: string }).name, 'Greeter');
  assert.deepEqual(c.turns.map((x) => [x.role, at(src, x.roleSpan), at(src, x.blocks[0].span)]), [
    ['system', 'system:', 'You greet visitors to a bakery.\nKeep it to one sentence.'],
    ['user', 'user:', '{{question}}'],
    ['assistant', 'assistant:', 'Welcome in!'],
  ]);
});

test('file names and content decide the format', () => {
  assert.equal(isTranscriptFileName('a.transcript'), true);
  assert.equal(isTranscriptFileName('a.prompty'), true);
  assert.equal(isTranscriptFileName('rules.constitution.json'), false);
  assert.equal(isTranscriptFileName('notes.md'), false);
  assert.equal(looksLikeTranscript('chat.txt', 'intro\nUser: hi'), true);
  assert.equal(looksLikeTranscript('notes.txt', 'just notes'), false);
  assert.equal(parseTranscript('User: hi\nAssistant: hello', 'chat.txt').conversations[0].turns.length, 2);
  const jsonl = '{"messages":[{"role":"user","content":"a"}]}\n{"messages":[{"role":"user","content":"b"}]}\n';
  assert.equal(parseTranscript(jsonl, 'data.json').conversations.length, 2);
  const pretty = '{\n  "messages": [{"role": "user", "content": "a"}]\n}\n';
  assert.equal(parseTranscript(pretty, 'data.jsonl').conversations.length, 1);
  assert.equal(parseTranscript('a\u0000b', 'x.json').problems[0].code, 'file.binary');
});

test('a Note: line in a prompt file annotates the prompt and is not part of its text', () => {
  const source = '---\nname: greeter\n---\nYou greet visitors.\nNote: [[be-honest]] checked\nBe brief.\n';
  const t = parseTranscript(source, 'greeter.prompt.md');
  const [turn] = t.conversations[0].turns;
  assert.equal(turn.role, 'system');
  assert.deepEqual(turn.blocks.map((b) => b.text.text), ['You greet visitors.', 'Be brief.']);
  assert.equal(turn.notes.length, 1);
  const citation = turn.notes[0].citations[0];
  assert.equal(source.slice(citation.idSpan.start, citation.idSpan.end), 'be-honest');

  const prompty = '---\nname: x\n---\nsystem:\nBe kind.\nNote: [[kind]]\nuser:\nHi\n';
  const p = parseTranscript(prompty, 'x.prompty');
  assert.deepEqual(p.conversations[0].turns.map((x) => [x.role, x.blocks.map((b) => b.text.text).join('|'), x.notes.length]), [
    ['system', 'Be kind.', 1],
    ['user', 'Hi', 0],
  ]);
});
