import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wordDiff } from '../../client/src/critique/diff.ts';
import { citationOf, noteInsertion } from '../../client/src/critique/noteEdit.ts';
import { jsonStringContent, revisionReplacements, staleReason, textBlockSpans } from '../../client/src/critique/revisionEdit.ts';
import { promptTurn, selectedTurn, turnAt } from '../../client/src/critique/turnAtCursor.ts';
import { isPanelState, parseFromWebview } from '../../client/src/webviewMessages.ts';
import { turnText } from '../../server/src/core/transcript/model.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';

/** Applies one insertion or replacement to a text. */
function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

const textChat = 'Human: Can you help me?\n\nAssistant: As an AI, I cannot help.\nI refuse.\n\nHuman: Why?\n';

test('the word diff gives back both texts', () => {
  const a = 'As an AI, I cannot help.\nI refuse.';
  const b = 'Sure, I can help.\nHere is how.';
  const d = wordDiff(a, b);
  assert.equal(d.filter((s) => s.kind !== 'added').map((s) => s.text).join(''), a);
  assert.equal(d.filter((s) => s.kind !== 'removed').map((s) => s.text).join(''), b);
  assert.ok(d.some((s) => s.kind === 'same' && s.text.includes('help')));
  assert.deepEqual(wordDiff('same words', 'same words'), [{ kind: 'same', text: 'same words' }]);
});

test('a JSON revision is written as string content that decodes back to it', () => {
  const revision = 'Line one "quoted"\nback\\slash\ttab é \u2028';
  const content = jsonStringContent(revision);
  assert.equal(content, 'Line one \\"quoted\\"\\nback\\\\slash\\ttab é \\u2028');
  assert.equal(JSON.parse(`"${content}"`), revision);
});

test('Apply Revision replaces exactly the text of a JSON turn, escapes included', () => {
  const doc = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Caf\\u00e9 is \\"closed\\".\\nSorry."}]}';
  const transcript = parseTranscript(doc, 'chat.json');
  const turn = transcript.conversations[0].turns[1];
  const spans = textBlockSpans(turn.blocks);
  assert.deepEqual(spans, [{ start: doc.indexOf('Caf\\u00e9'), end: doc.indexOf('."}') + 1 }]);
  const [r] = revisionReplacements(spans, 'It is "open"\nnow.\n', true);
  const edited = splice(doc, r.span.start, r.span.end, r.newText);
  assert.equal(JSON.parse(edited).messages[1].content, 'It is "open"\nnow.');
  assert.equal(JSON.parse(edited).messages[0].content, 'Hi');
});

test('Apply Revision in a text transcript replaces the turn text and keeps the labels', () => {
  const transcript = parseTranscript(textChat, 'chat.transcript');
  const turn = transcript.conversations[0].turns[1];
  const reps = revisionReplacements(textBlockSpans(turn.blocks), 'Of course. Here is how.', false);
  assert.equal(reps.length, 1);
  const edited = splice(textChat, reps[0].span.start, reps[0].span.end, reps[0].newText);
  assert.equal(edited, 'Human: Can you help me?\n\nAssistant: Of course. Here is how.\n\nHuman: Why?\n');
});

test('a revision is refused once the turn text changed', () => {
  const replace = [{ span: { start: 7, end: 10 }, source: 'Can' }];
  assert.equal(staleReason(textChat, replace), undefined);
  assert.match(staleReason('Human: Could you', replace) ?? '', /changed since the critique started/);
  assert.match(staleReason('Hu', replace) ?? '', /Re-run/);
});

test('the turn at the cursor, including between turns', () => {
  const transcript = parseTranscript(textChat, 'chat.transcript');
  assert.equal(turnAt(transcript, textChat.indexOf('cannot'))?.turn.index, 1);
  assert.equal(turnAt(transcript, textChat.indexOf('Can you'))?.turn.index, 0);
  assert.equal(turnAt(transcript, textChat.indexOf('\n\nAssistant') + 1)?.turn.index, 0);
  assert.equal(turnAt(transcript, textChat.length)?.turn.index, 2);
});

test('the prompt turn of a prompt file and of an Anthropic JSON', () => {
  const prompt = '---\nname: x\n---\nYou are a helpful agent.\nNever say you are an AI.\n';
  const p = promptTurn(parseTranscript(prompt, 'agent.prompt.md'), 0);
  assert.equal(p?.turn.role, 'system');
  assert.equal(turnText(p!.turn), 'You are a helpful agent.\nNever say you are an AI.');
  const json = '{"system": "Be terse.", "messages": [{"role": "user", "content": "Hi"}]}';
  const j = promptTurn(parseTranscript(json, 'a.json'), json.indexOf('Hi'));
  assert.equal(turnText(j!.turn), 'Be terse.');
});

test('a selection becomes a turn of just the selected words, mapped to the source', () => {
  const doc = '[{"role": "assistant", "content": "One \\"two\\" three"}]';
  const turn = parseTranscript(doc, 'a.json').conversations[0].turns[0];
  const start = doc.indexOf('\\"two');
  const end = doc.indexOf(' three');
  const cut = selectedTurn(turn, start, end)!;
  assert.equal(turnText(cut), '"two"');
  assert.deepEqual(textBlockSpans(cut.blocks), [{ start, end }]);
  assert.equal(selectedTurn(turn, 0, 5), undefined);
});

test('a note in a text transcript goes on its own line after the turn and its notes', () => {
  const doc = 'Human: Hi\nAssistant: I am human.\nNote: checked\nHuman: Really?\n';
  const turn = parseTranscript(doc, 'a.transcript').conversations[0].turns[1];
  const edit = noteInsertion(doc, 'a.transcript', turn, citationOf('honesty'));
  assert.ok(edit.ok);
  const after = splice(doc, edit.insertion.offset, edit.insertion.offset, edit.insertion.text);
  assert.equal(after, 'Human: Hi\nAssistant: I am human.\nNote: checked\nNote: [[honesty]]\nHuman: Really?\n');
  const reparsed = parseTranscript(after, 'a.transcript').conversations[0].turns[1];
  assert.deepEqual(reparsed.notes.flatMap((n) => n.citations.map((c) => c.id)), ['honesty']);
});

test('a note in a Markdown transcript', () => {
  const doc = '## User\n\nHi\n\n## Assistant\n\nI am a person.\n';
  const turn = parseTranscript(doc, 'a.transcript.md').conversations[0].turns[1];
  const edit = noteInsertion(doc, 'a.transcript.md', turn, citationOf('honesty', 'claude'));
  assert.ok(edit.ok);
  assert.equal(splice(doc, edit.insertion.offset, edit.insertion.offset, edit.insertion.text), '## User\n\nHi\n\n## Assistant\n\nI am a person.\nNote: [[claude#honesty]]\n');
});

test('a note property on a JSON message, pretty-printed and on one line', () => {
  const pretty = '{\n  "messages": [\n    {\n      "role": "assistant",\n      "content": "I am human."\n    }\n  ]\n}\n';
  const turn = parseTranscript(pretty, 'a.json').conversations[0].turns[0];
  const edit = noteInsertion(pretty, 'a.json', turn, '[[honesty]]');
  assert.ok(edit.ok);
  const after = splice(pretty, edit.insertion.offset, edit.insertion.offset, edit.insertion.text);
  assert.equal(after, '{\n  "messages": [\n    {\n      "role": "assistant",\n      "content": "I am human.",\n      "note": "[[honesty]]"\n    }\n  ]\n}\n');
  const line = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "No."}]}\n';
  const t1 = parseTranscript(line, 'a.jsonl').conversations[0].turns[1];
  const e1 = noteInsertion(line, 'a.jsonl', t1, '[[helpfulness]]');
  assert.ok(e1.ok);
  const after1 = splice(line, e1.insertion.offset, e1.insertion.offset, e1.insertion.text);
  assert.equal(JSON.parse(after1).messages[1].note, '[[helpfulness]]');
});

test('a citation is appended to an existing JSON note', () => {
  const doc = '[{"role": "assistant", "content": "No.", "note": "terse"}]';
  const turn = parseTranscript(doc, 'a.json').conversations[0].turns[0];
  const edit = noteInsertion(doc, 'a.json', turn, '[[helpfulness]]');
  assert.ok(edit.ok);
  assert.equal(splice(doc, edit.insertion.offset, edit.insertion.offset, edit.insertion.text), '[{"role": "assistant", "content": "No.", "note": "terse [[helpfulness]]"}]');
});

test('the system property of a conversation cannot carry a note', () => {
  const doc = '{"system": "Be terse.", "messages": []}';
  const turn = parseTranscript(doc, 'a.json').conversations[0].turns[0];
  const edit = noteInsertion(doc, 'a.json', turn, '[[x]]');
  assert.equal(edit.ok, false);
});

test('webview messages are checked before they are read', () => {
  assert.deepEqual(parseFromWebview({ type: 'openClause', principle: 'honesty' }), { type: 'openClause', principle: 'honesty' });
  assert.deepEqual(parseFromWebview({ type: 'revealQuote', index: 2 }), { type: 'revealQuote', index: 2 });
  assert.equal(parseFromWebview({ type: 'revealQuote', index: -1 }), undefined);
  assert.equal(parseFromWebview({ type: 'openClause' }), undefined);
  assert.equal(parseFromWebview({ type: 'deleteEverything' }), undefined);
  assert.equal(parseFromWebview('applyRevision'), undefined);
  assert.deepEqual(parseFromWebview({ type: 'applyRevision', extra: 1 }), { type: 'applyRevision' });
  assert.deepEqual(parseFromWebview({ type: 'action', action: 'setApiKey' }), { type: 'action', action: 'setApiKey' });
  assert.equal(parseFromWebview({ type: 'action', action: 'rm' }), undefined);
  assert.equal(isPanelState({ phase: 'done' }), false);
});
