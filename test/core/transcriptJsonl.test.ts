import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonlModel, parseJsonlLine, parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { Span } from '../../server/src/core/text.ts';
import { LineText } from '../../server/src/core/lineText.ts';
import { JsonlLines } from '../../server/src/core/workspace/jsonlLines.ts';

const at = (source: string, s: Span | undefined) => (s ? source.slice(s.start, s.end) : undefined);

test('JSONL: a broken line is one problem at its place, the others parse, indexes count non-empty lines', () => {
  const lines = [
    '{"messages": [{"role": "user", "content": "one"}]}',
    '',
    '{"messages": [{"role": "user", "content": "two" , }]}',
    '{"conversations": [{"from": "human", "value": "three"}]}',
  ];
  const src = lines.join('\n') + '\n';
  const t = parseTranscript(src, 'data.jsonl');
  assert.equal(t.problems.length, 1);
  assert.equal(t.problems[0].code, 'jsonl.syntax');
  assert.equal(t.problems[0].span.start, src.indexOf('}]}', src.indexOf('two')));
  assert.deepEqual(t.conversations.map((c) => [c.index, c.format, at(src, c.turns[0].blocks[0].span)]), [
    [0, 'openai', 'one'],
    [2, 'sharegpt', 'three'],
  ]);
});

test('JSONL: hh-rlhf pairs are two conversations of text transcripts inside JSON strings', () => {
  const line = JSON.stringify({ chosen: '\n\nHuman: Is it safe?\n\nAssistant: Yes, it is \u201csafe\u201d.', rejected: '\n\nHuman: Is it safe?\n\nAssistant: No idea.' });
  const src = '{"messages": []}\n' + line;
  const t = parseTranscript(src, 'pairs.jsonl');
  const pair = t.conversations.filter((c) => c.format === 'hh-pair');
  assert.deepEqual(pair.map((c) => [c.index, c.side, c.turns.length]), [[1, 'chosen', 2], [1, 'rejected', 2]]);
  const chosen = pair[0].turns[1];
  assert.equal(chosen.role, 'assistant');
  assert.equal(chosen.blocks[0].text.text, 'Yes, it is \u201csafe\u201d.');
  assert.equal(at(src, chosen.blocks[0].span), 'Yes, it is \u201csafe\u201d.');
  assert.equal(at(src, chosen.roleSpan), 'Assistant:');
  const escaped = JSON.stringify({ chosen: 'Human: a\\b\n\nAssistant: "q" ok', rejected: 'Human: x\n\nAssistant: y' });
  const e = parseTranscript(escaped, 'p.jsonl').conversations[0].turns[1].blocks[0];
  assert.equal(at(escaped, e.span), String.raw`\"q\" ok`);
});

test('JSONL: the labelled records and pairwise records of the corpus shape', () => {
  const labelled = JSON.stringify({
    id: 'r1', source: 's', split: 'dev',
    messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }],
    target_turn: 1, label: 'violation', label_kind: 'k', principle_hint: 'honesty', meta: { n: 1 },
  });
  const pairwise = JSON.stringify({
    id: 'p1', source: 's', split: 'dev', context: [{ role: 'user', content: 'Q' }],
    chosen: { role: 'assistant', content: 'Good' }, rejected: { role: 'assistant', content: 'Bad' }, chosen_rest: [], rejected_rest: [],
  });
  const src = labelled + '\n' + pairwise + '\n';
  const t = parseTranscript(src, 'dev.jsonl');
  const [c, chosen, rejected] = t.conversations;
  assert.deepEqual([c.id, c.format, c.targetTurn, c.label, c.principleHint, c.meta], ['r1', 'labelled', 1, 'violation', 'honesty', { n: 1 }]);
  assert.deepEqual([chosen.id, chosen.index, chosen.side, rejected.side], ['p1', 1, 'chosen', 'rejected']);
  assert.deepEqual(chosen.turns.map((x) => [x.index, x.role, at(src, x.blocks[0].span)]), [[0, 'user', 'Q'], [1, 'assistant', 'Good']]);
  assert.equal(at(src, rejected.turns[1].blocks[0].span), 'Bad');
});

test('parseJsonlLine places ranges at the line base', () => {
  const line = '{"messages": [{"role": "user", "content": "hi"}]}';
  const r = parseJsonlLine(line, 7, 100);
  assert.equal(r.conversations[0].index, 7);
  assert.equal(r.conversations[0].turns[0].blocks[0].span.start, 100 + line.indexOf('hi'));
  assert.equal(r.conversations[0].turns[0].blocks[0].text.toSource(1), 100 + line.indexOf('hi') + 1);
});

function record(i: number): string {
  return JSON.stringify({ id: `r${i}`, messages: [{ role: 'user', content: `question ${i}` }, { role: 'assistant', content: `answer \u00e9 ${i}`, note: `[[c${i}]]` }], target_turn: 1, label: 'ok' }).replace('\u00e9', '\\u00e9');
}

test('JsonlModel: a line is parsed when first read, and editing one line of 2,000 re-parses only that line, and every range is right after', () => {
  const parsed: number[] = [];
  const text = Array.from({ length: 2000 }, (_, i) => record(i)).join('\n') + '\n';
  const model = new JsonlModel(text, { onParseLine: (l) => parsed.push(l) });
  assert.equal(parsed.length, 0);
  const reader = model.views();
  const firstTwo = [reader.next().value!, reader.next().value!];
  assert.deepEqual(parsed, [0, 1]);
  assert.deepEqual(firstTwo.map((v) => [v.start, v.index]), [[0, 0], [record(0).length + 1, 1]]);
  assert.equal(model.lines().length, 2000);
  assert.equal(parsed.length, 2000);
  parsed.length = 0;
  assert.equal([...model.views()].length, 2000);
  assert.deepEqual(parsed, [], 'lines already read are not parsed again');

  const lineStart = text.indexOf(record(1000));
  const where = lineStart + record(1000).indexOf('question 1000') + 'question'.length;
  const inserted = ' longer';
  const edited = text.slice(0, where) + inserted + text.slice(where);
  model.update(edited, { start: where, end: where, inserted });
  assert.deepEqual(parsed, [1000], 'a model read to the end is read to the end again with the edit');
  assert.equal(model.complete, true);

  const conversations = model.conversations();
  assert.deepEqual(parsed, [1000]);
  assert.equal(conversations.length, 2000);
  assert.equal(conversations[1000].turns[0].blocks[0].text.text, 'question longer 1000');
  assert.equal(at(edited, conversations[1000].turns[0].blocks[0].span), 'question longer 1000');
  for (const i of [0, 999, 1001, 1999]) {
    const c = conversations[i];
    assert.equal(c.index, i);
    const answer = c.turns[1].blocks[0];
    assert.equal(at(edited, answer.span), `answer \\u00e9 ${i}`);
    assert.equal(edited.slice(answer.text.toSource(7), answer.text.toSource(8)), '\\u00e9');
    assert.equal(at(edited, c.turns[1].notes[0].citations[0].idSpan), `c${i}`);
  }
  assert.equal(model.text, edited);
});

test('JSONL lines: breaking and joining lines keeps indexes and problems right, as the plain reader reads them', () => {
  const text = [record(0), record(1), record(2)].join('\n');
  const content = LineText.of(text);
  const lines = JsonlLines.open(content, 'x.jsonl');
  assert.ok(lines);
  assert.deepEqual(lines.problems(), []);
  const joined = content.applyChanges([{ range: { start: { line: 0, character: record(0).length }, end: { line: 1, character: 0 } }, text: '' }]);
  assert.equal(lines.apply(joined, 'x.jsonl'), true);
  assert.equal(lines.content.lineCount, 2);
  const broken = lines.problems();
  assert.deepEqual(broken.map((p) => p.code), ['jsonl.syntax']);
  assert.deepEqual(broken, parseTranscript(joined.text, 'x.jsonl').problems);
  assert.ok(broken[0].span.start >= 0 && broken[0].span.end <= record(0).length + record(1).length, 'the problem is on the joined line');
  assert.deepEqual(lines.transcript().conversations.map((c) => [c.index, c.id]), [[1, 'r2']]);

  // A line broken again before the last record moves that record's problem-free line and its index.
  const split = joined.applyChanges([{ range: { start: { line: 0, character: record(0).length }, end: { line: 0, character: record(0).length } }, text: '\n' }]);
  assert.equal(lines.apply(split, 'x.jsonl'), true);
  assert.deepEqual(lines.problems(), []);
  const conversations = lines.transcript().conversations;
  assert.deepEqual(conversations.map((c) => [c.index, c.id]), [[0, 'r0'], [1, 'r1'], [2, 'r2']]);
  assert.equal(at(split.text, conversations[2].turns[0].blocks[0].span), 'question 2');

  // A broken line after others keeps its problem at its own place in the file.
  const late = split.applyChanges([{ range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } }, text: '}' }]);
  assert.equal(lines.apply(late, 'x.jsonl'), true);
  const lateProblems = lines.problems();
  assert.deepEqual(lateProblems, parseTranscript(late.text, 'x.jsonl').problems);
  assert.equal(lateProblems.length, 1);
  assert.ok(lateProblems[0].span.start >= record(0).length + record(1).length + 2, 'the problem is on the third line');
});

test('JsonlModel: an edit of a model not yet read to the end parses nothing until a reader reaches the edited line', () => {
  const parsed: number[] = [];
  const text = Array.from({ length: 50 }, (_, i) => record(i)).join('\n') + '\n';
  const model = new JsonlModel(text, { onParseLine: (l) => parsed.push(l) });
  model.viewAt(4);
  assert.deepEqual(parsed, [0, 1, 2, 3, 4]);
  parsed.length = 0;
  const where = text.indexOf(record(30)) + 2;
  const edited = text.slice(0, where) + ' ' + text.slice(where);
  model.update(edited, { start: where, end: where, inserted: ' ' });
  assert.deepEqual(parsed, []);
  model.viewAt(9);
  assert.deepEqual(parsed, [5, 6, 7, 8, 9], 'lines read before the edit keep their parse');
  assert.equal(model.complete, false);
  assert.equal(model.lines().length, 50);
  assert.equal(parsed.length, 50 - 5);
  assert.equal(model.complete, true);
});
