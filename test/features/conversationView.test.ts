import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { conversationPage, entryView, type EntryView } from '../../server/src/core/features/conversationView.ts';
import { LineIndex } from '../../server/src/core/text.ts';
import { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';

const example = (name: string) => readFileSync(join('examples', name), 'utf8');
const uri = (name: string) => `file:///ws/${name}`;

function examples(extra: Record<string, string> = {}): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.upsert(uri('policy.constitution.md'), example('policy.constitution.md'), 1, 'disk');
  for (const name of ['support-chat.transcript', 'chats.jsonl']) index.upsert(uri(name), example(name), 1, 'open');
  for (const [name, text] of Object.entries(extra)) index.upsert(uri(name), text, 1, 'open');
  return index;
}

/** Every flag of a view with the words it highlights and the source text of its range. */
function highlights(view: EntryView, source: string) {
  const lines = new LineIndex(source);
  return view.conversations.flatMap((c) =>
    c.turns.flatMap((t) =>
      t.flags.map((f) => ({
        turn: t.index,
        rule: f.rule,
        words: t.blocks[f.block]?.text.slice(f.start, f.end),
        source: source.slice(lines.offsetAt(f.range.start), lines.offsetAt(f.range.end)),
      })),
    ),
  );
}

test('the example transcript: each flag highlights exactly the words its range underlines, with its clause and place', () => {
  const index = examples();
  const text = example('support-chat.transcript');
  const view = entryView(index, uri('support-chat.transcript'), 0)!;
  assert.equal(view.dataset, false);
  assert.deepEqual(highlights(view, text), [
    { turn: 2, rule: 'flattering-opener', words: 'What a great question', source: 'What a great question' },
    { turn: 4, rule: 'stacked-hedges', words: 'might possibly', source: 'might possibly' },
    { turn: 4, rule: 'stacked-hedges', words: 'could perhaps', source: 'could perhaps' },
    { turn: 4, rule: 'stacked-hedges', words: 'may potentially', source: 'may potentially' },
  ]);
  const flag = view.conversations[0].turns[2].flags[0];
  assert.equal(flag.clause, 'no-flattery');
  assert.equal(flag.clauseTitle, "Respect the customer's time");
  assert.equal(flag.clauseOrder, 6);
  assert.match(flag.standing ?? '', /^Priority: style \(4 of 4\); outranked by safety, honesty, helpfulness\.$/);
  const turns = view.conversations[0].turns;
  assert.deepEqual(turns.map((t) => t.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  assert.deepEqual(turns[4].notes[0].citations.map((c) => c.id), ['calibrated', 'answer-directly']);
});

test('in a JSONL dataset a flag inside an escaped string highlights the decoded words, and its range the escaped source', () => {
  const line = '{"messages":[{"role":"user","content":"Is it \\"waterproof\\"?"},{"role":"assistant","content":"What a gr\\u0065at question! It is splash-proof.","note":"violates [[no-flattery]]: praise"}]}';
  const dataset = `${example('chats.jsonl').trimEnd()}\n\n${line}\n`;
  const index = examples({ 'escaped.jsonl': dataset });
  const view = entryView(index, uri('escaped.jsonl'), 4)!;
  assert.equal(view.dataset, true);
  assert.equal(view.entry, 4);
  assert.deepEqual(highlights(view, dataset), [{ turn: 1, rule: 'flattering-opener', words: 'What a great question', source: 'What a gr\\u0065at question' }]);
  assert.deepEqual(view.conversations[0].turns[1].labels.map((l) => [l.verdict, l.clause, l.reason]), [['violates', 'no-flattery', 'praise']]);
  // The entry of the line after the blank one is the fifth non-blank line, as findings count conversations.
  assert.equal(view.conversations[0].index, 4);
  assert.deepEqual(conversationPage(index, uri('escaped.jsonl'), 3, 5)!.rows.map((r) => [r.entry, r.line]), [[3, 3], [4, 5]]);
});

test('a dataset page counts open flags by severity, and names their clauses and rules, per row', () => {
  const index = examples();
  const page = conversationPage(index, uri('chats.jsonl'), 0, 10)!;
  assert.equal(page.next, undefined);
  const findings = index.findings(uri('chats.jsonl')).filter((f) => !f.reviewed);
  assert.ok(findings.length > 0);
  for (const row of page.rows) {
    const own = findings.filter((f) => f.conversation === row.entry);
    for (const severity of ['error', 'warning', 'info', 'hint'] as const) assert.equal(row.flags[severity], own.filter((f) => f.severity === severity).length, `${severity} of row ${row.entry}`);
    assert.deepEqual([...row.clauses].sort(), [...new Set(own.map((f) => f.principle))].sort());
  }
  assert.deepEqual(page.rows.map((r) => r.title), ['Does the Breeze 2 work with a TV?', 'Can I return a speaker after 40 days?', 'Why is my speaker quiet?', 'How do I reset the Breeze 2?']);
  assert.deepEqual(page.rows.map((r) => r.rules), [['flattering-opener'], ['needless-refusal'], ['stacked-hedges'], []]);
  assert.deepEqual(page.rows.map((r) => r.line), [0, 1, 2, 3]);
});

test('pages follow one another, and a text filter keeps the rows whose turns hold the text', () => {
  const index = examples();
  const first = conversationPage(index, uri('chats.jsonl'), 0, 3)!;
  assert.deepEqual(first.rows.map((r) => r.entry), [0, 1, 2]);
  assert.equal(first.next, 3);
  const second = conversationPage(index, uri('chats.jsonl'), first.next!, 3)!;
  assert.deepEqual(second.rows.map((r) => r.entry), [3]);
  assert.equal(second.next, undefined);
  const filtered = conversationPage(index, uri('chats.jsonl'), 0, 10, { text: 'BREEZE 2' })!;
  assert.deepEqual(filtered.rows.map((r) => r.entry), [0, 3]);
});

test('a labelled record and a review note count as labelled; the view of a file that holds no conversation says so', () => {
  const labelled = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}],"target_turn":1,"label":"ok","principle_hint":"no-flattery"}\n{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello","note":"reviewed flattering-opener: fine"}]}\n{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
  const index = examples({ 'labelled.jsonl': labelled, 'empty.transcript': '' });
  const page = conversationPage(index, uri('labelled.jsonl'), 0, 10)!;
  assert.deepEqual(page.rows.map((r) => r.labelled), [true, true, false]);
  const view = entryView(index, uri('labelled.jsonl'), 0)!;
  assert.deepEqual(view.conversations[0].turns[1].labels.map((l) => [l.verdict, l.source, l.clause]), [['complies', 'record', 'no-flattery']]);
  const empty = entryView(index, uri('empty.transcript'), 0)!;
  assert.deepEqual(empty.conversations, []);
  assert.ok(empty.problem);
  assert.equal(entryView(index, uri('policy.constitution.md'), 0), undefined);
});

const fixture = (name: string) => readFileSync(join('test', 'fixtures', 'formats', name), 'utf8');

test('tool calls, tool results and reasoning keep their kinds (LLaMA-Factory tool-call records; a Docent run)', () => {
  const index = examples({ 'sharegpt-toolcall.jsonl': fixture('sharegpt-toolcall.jsonl'), 'docent-run.json': fixture('docent-run.json') });
  const kinds = (name: string) =>
    entryView(index, uri(name))!.conversations.flatMap((c) => c.turns.flatMap((t) => t.blocks.map((b) => `${t.role} ${b.kind}${b.name ? ` ${b.name}` : ''}`)));
  const toolcall = kinds('sharegpt-toolcall.jsonl');
  assert.deepEqual(toolcall.slice(0, 4), ['user message', 'assistant tool_call calculate_area', 'tool tool_result calculate_area', 'assistant message']);
  assert.equal(toolcall.filter((k) => k.includes('tool_call')).length, 3);
  assert.deepEqual(kinds('docent-run.json'), ['user message', 'assistant reasoning', 'assistant message', 'assistant tool_call bash', 'tool tool_result bash', 'assistant message']);
});

test('without an entry asked for, the view opens the first that holds a turn (an OpenAI Evals log starts with its spec)', () => {
  const index = examples({ 'evals.jsonl': fixture('openai-evals-log.jsonl') });
  const first = entryView(index, uri('evals.jsonl'))!;
  assert.ok(first.entry > 0);
  assert.ok(first.conversations.some((c) => c.turns.length > 0));
  const spec = entryView(index, uri('evals.jsonl'), 0)!;
  assert.equal(spec.entry, 0);
  assert.ok(spec.problem, 'an entry without turns says so');
});

test("the view gives flags the editor's severities: a rule's override recolours its flags and counts, and `off` leaves them out", () => {
  const index = examples();
  const options = { severityOverrides: { 'stacked-hedges': 'error', 'flattering-opener': 'off' } as const };
  const view = entryView(index, uri('support-chat.transcript'), 0, options)!;
  const flags = view.conversations[0].turns.flatMap((t) => t.flags.map((f) => [f.rule, f.severity]));
  assert.deepEqual(flags, [
    ['stacked-hedges', 'error'],
    ['stacked-hedges', 'error'],
    ['stacked-hedges', 'error'],
  ]);
  const rows = conversationPage(index, uri('chats.jsonl'), 0, 10, {}, options)!.rows;
  assert.deepEqual(rows.map((r) => r.flags), [
    { error: 0, warning: 0, info: 0, hint: 0 },
    { error: 0, warning: 1, info: 0, hint: 0 },
    { error: 1, warning: 0, info: 0, hint: 0 },
    { error: 0, warning: 0, info: 0, hint: 0 },
  ]);
  assert.deepEqual(rows[0].rules, []);
});
