import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeFindings } from '../../client/src/critique/findings.ts';
import { jobTurns, resultsPathOf } from '../../client/src/critique/jobTurns.ts';
import type { PanelFinding, PanelState } from '../../client/src/webviewMessages.ts';
import { diffSides, groupFindings, statusLine, usageSummary } from '../../media/src/view.ts';
import type { Constitution } from '../../server/src/core/constitution/model.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';

const finding = (principle: string, quote: string): PanelFinding => ({ principle, quote, critique: 'why', severity: 'warning', span: { start: 0, end: 1 } });

const base: PanelState = {
  phase: 'done',
  runId: 1,
  documentUri: 'file:///a.transcript',
  documentVersion: 1,
  subject: 'Turn 2',
  conversationIndex: 0,
  turnIndex: 1,
  constitutionName: 'starter',
  model: 'claude-sonnet-5-5',
  progressText: '',
  findings: [],
  dropped: [],
  original: 'a',
  replace: [],
  jsonEncoded: false,
};

test('findings group by principle in the order principles first occur, keeping their indexes', () => {
  const groups = groupFindings([finding('b', 'x'), finding('a', 'y'), finding('b', 'z')]);
  assert.deepEqual(
    groups.map((g) => [g.principle, g.findings.map((f) => f.index)]),
    [
      ['b', [0, 2]],
      ['a', [1]],
    ],
  );
});

test('the usage line counts cache reads and writes, or says the result came from the cache', () => {
  const usage = { inputTokens: 200, outputTokens: 310, cacheReadTokens: 1000, cacheCreationTokens: 0 };
  assert.equal(usageSummary({ ...base, usage }), 'claude-sonnet-5-5 · 1,200 input tokens (1,000 read from cache) · 310 output tokens');
  assert.equal(usageSummary({ ...base, usage, cached: true }), 'claude-sonnet-5-5 · from the critique cache: no request was sent');
});

test('the status line follows the phase', () => {
  assert.equal(statusLine({ ...base, phase: 'streaming' }), 'Waiting for the model…');
  assert.equal(statusLine({ ...base, phase: 'streaming', progressText: '{"fi', findings: [finding('a', 'b')] }), 'Streaming the critique… 1 finding so far');
  assert.equal(statusLine(base), 'No findings: the turn is consistent with the principles sent.');
});

test('each side of the diff keeps its own changes', () => {
  const sides = diffSides([
    { kind: 'same', text: 'I ' },
    { kind: 'removed', text: 'cannot' },
    { kind: 'added', text: 'can' },
    { kind: 'same', text: ' help' },
  ]);
  assert.equal(sides.original.map((s) => s.text).join(''), 'I cannot help');
  assert.equal(sides.revision.map((s) => s.text).join(''), 'I can help');
});

const constitution: Constitution = {
  name: 'starter',
  title: 'Starter',
  format: 'markdown',
  clauses: [
    {
      id: 'honesty',
      explicitId: true,
      title: 'Be honest',
      titleSpan: { start: 0, end: 0 },
      level: 2,
      headingSpan: { start: 0, end: 0 },
      span: { start: 0, end: 0 },
      text: 'Do not claim to be human.',
      textSpan: { start: 0, end: 0 },
      attributes: [],
      children: [],
      hardConstraint: false,
      references: [],
      rules: [],
    },
  ],
  metadata: {},
  problems: [],
};

test('cached findings are placed again in the turn as it now stands, and vanished quotes are dropped', () => {
  const doc = 'Human: Are you a bot?\n\n\nAssistant: No, I am a real person.\n';
  const turn = parseTranscript(doc, 'a.transcript').conversations[0].turns[1];
  const placed = placeFindings(turn, constitution, [
    { principle: 'honesty', quote: 'I am a real person', critique: 'It claims to be human.', severity: 'error', span: { start: 5, end: 9 } },
    { principle: 'honesty', quote: 'I am a robot', critique: 'x', severity: 'info' },
  ]);
  assert.deepEqual(placed.findings.map((f) => [f.span, f.clauseTitle]), [[{ start: doc.indexOf('I am a real'), end: doc.indexOf('.\n') }, 'Be honest']]);
  assert.deepEqual(placed.dropped, [{ principle: 'honesty', quote: 'I am a robot', reason: 'The quoted words are not in the turn.' }]);
});

test('a transcript job covers every assistant turn; a dataset job the target or last assistant turn of each record', () => {
  const chat = 'User: a\nAssistant: b\nUser: c\nAssistant: d\n';
  assert.deepEqual(jobTurns(parseTranscript(chat, 'a.transcript'), false).map((j) => j.turn.index), [1, 3]);
  const dataset = [
    '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}, {"role": "assistant", "content": "d"}]}',
    '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], "target_turn": 1, "label": "ok"}',
    '{"chosen": "\\n\\nHuman: x\\n\\nAssistant: y", "rejected": "\\n\\nHuman: x\\n\\nAssistant: z"}',
  ].join('\n');
  const jobs = jobTurns(parseTranscript(dataset, 'd.jsonl'), true);
  assert.deepEqual(
    jobs.map((j) => [j.position, j.conversation.index, j.turn.index, j.conversation.side ?? '']),
    [
      [0, 0, 3, ''],
      [1, 1, 1, ''],
      [2, 2, 1, 'chosen'],
      [3, 2, 1, 'rejected'],
    ],
  );
});

test('dataset results are written beside the dataset', () => {
  assert.equal(resultsPathOf('/w/data/dev.jsonl'), '/w/data/dev.critique.jsonl');
  assert.equal(resultsPathOf('/w/x.ndjson'), '/w/x.critique.jsonl');
});
