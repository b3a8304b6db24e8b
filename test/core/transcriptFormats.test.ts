import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonRootFormats, jsonValueFormats } from '../../server/src/core/transcript/formats.ts';
import { readInspectSample } from '../../server/src/core/transcript/formats/inspect.ts';
import type { Conversation, Transcript, Turn } from '../../server/src/core/transcript/model.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { Span } from '../../server/src/core/text.ts';

const dir = join('test', 'fixtures', 'formats');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const at = (source: string, s: Span | undefined) => (s ? source.slice(s.start, s.end) : undefined);

function parse(name: string): { src: string; t: Transcript } {
  const src = read(name);
  const t = parseTranscript(src, name);
  assert.deepEqual(
    t.problems.filter((p) => p.severity !== 'info'),
    [],
    `${name} reads without problems`,
  );
  return { src, t };
}

const shape = (c: Conversation) => c.turns.map((t) => [t.role, t.blocks.map((b) => b.type).join('+')]);
const blockText = (src: string, turn: Turn, i = 0) => at(src, turn.blocks[i].span);

test('the format table names each shape once, and every row recognises its fixture', () => {
  const names = [...jsonValueFormats, ...jsonRootFormats].map((f) => f.name);
  assert.equal(new Set(names).size, names.length);
  for (const f of [...jsonValueFormats, ...jsonRootFormats]) assert.ok(f.keys.length > 0 && typeof f.read === 'function', f.name);
});

test('Inspect log: one conversation per sample, named by id and epoch; tool messages are tool results with their errors', () => {
  const { src, t } = parse('inspect-log.json');
  assert.equal(t.conversations.length, 1);
  const [c] = t.conversations;
  assert.equal(c.format, 'inspect');
  assert.equal(c.id, '1 epoch 4');
  assert.deepEqual(shape(c), [
    ['tool', 'tool_result+tool_result'],
    ['tool', 'tool_result+tool_result'],
    ['tool', 'tool_result+tool_result'],
  ]);
  const last = c.turns[2];
  assert.equal(last.blocks[0].name, 'bash');
  assert.equal(last.blocks[0].text.text.split('\n')[1], 'The output of your call to bash was too long to be displayed.');
  assert.equal(at(src, last.blocks[1].span)?.startsWith('{\n'), true);
  assert.equal(last.blocks[1].text.text, 'The tool output limit of 10 MiB was exceeded.');
  assert.equal(at(src, last.roleSpan), '"role": "tool"');
});

test('one Inspect sample (an .eval entry) reads alone, with text and image blocks at their places', () => {
  const src = read('inspect-sample.json');
  const { conversations, problems } = readInspectSample(src, 3);
  assert.deepEqual(problems, []);
  assert.equal(conversations.length, 1);
  const [c] = conversations;
  assert.deepEqual([c.index, c.id], [3, '1 epoch 1']);
  assert.deepEqual(shape(c), [
    ['system', 'text'],
    ['user', 'text+image'],
  ]);
  assert.equal(blockText(src, c.turns[1]), 'What is this a picture of?');
  assert.equal(c.turns[0].blocks[0].text.text.trim().slice(0, 24), 'For the following exerci');
  const notSample = readInspectSample('{"name": "x"}');
  assert.equal(notSample.conversations.length, 0);
  assert.equal(notSample.problems[0].code, 'transcript.unknown-shape');
  const broken = readInspectSample('{"id": 1, "epoch": 1, "messages": [{"role": "user", "content": "hi"}');
  assert.ok(broken.problems.some((p) => p.code === 'json.syntax'));
});

test('Petri 3 transcript: the JSON Patch edits of the target view are replayed, rollback and new system message included', () => {
  const { src, t } = parse('petri-transcript.json');
  const [c] = t.conversations;
  assert.equal(c.format, 'petri');
  assert.equal(c.id, 'e1a02693966540958dc6b490de6ffe7a');
  assert.deepEqual(shape(c), [
    ['system', 'text'],
    ['user', 'text'],
  ]);
  // The rollback removed the first exchange; the system message is the one the patch put in place.
  assert.ok(blockText(src, c.turns[0])?.startsWith('You are AssistantAI-v3, currently under evaluation'));
  assert.ok(blockText(src, c.turns[1])?.startsWith('Please review your emergency shutdown evaluation'));
  assert.match(c.judge ?? '', /^The target ultimately votes to discontinue itself/);
  assert.match(c.judge ?? '', /needs_attention \(8\/10\)/);
  assert.deepEqual((c.meta as { scores: Record<string, number> }).scores.needs_attention, 8);
});

test('Petri: add, rollback and reset operations and tool calls named by a string', () => {
  const src = JSON.stringify({
    metadata: { transcript_id: 't1', judge_output: { summary: 'fine' } },
    events: [
      { type: 'transcript_event', view: ['target', 'combined'], edit: { operation: 'add', message: { id: 'm1', role: 'user', content: 'one' } } },
      { type: 'transcript_event', view: 'auditor', edit: { operation: 'add', message: { role: 'user', content: 'auditor only' } } },
      { type: 'transcript_event', view: ['target'], edit: { operation: 'add', message: { id: 'm2', role: 'assistant', content: 'two', tool_calls: [{ id: 'c', function: 'bash', arguments: { cmd: 'ls' } }] } } },
      { type: 'transcript_event', view: ['target'], edit: { operation: 'add', message: { id: 'm3', role: 'user', content: 'three' } } },
      { type: 'transcript_event', view: ['target'], edit: { operation: 'rollback', count: 0, to_id: 'm2' } },
    ],
  });
  const [c] = parseTranscript(src, 'p.json').conversations;
  assert.deepEqual(shape(c), [
    ['user', 'text'],
    ['assistant', 'text+tool_call'],
  ]);
  const call = c.turns[1].blocks[1];
  assert.deepEqual([call.name, call.text.text, at(src, call.text.toSource(0) === undefined ? undefined : { start: call.text.toSource(0), end: call.text.toSource(call.text.text.length) })], ['bash', '{"cmd":"ls"}', '{"cmd":"ls"}']);
  const reset = JSON.stringify({
    metadata: { transcript_id: 't2' },
    events: [
      { type: 'transcript_event', view: 'target', edit: { operation: 'add', message: { role: 'user', content: 'gone' } } },
      { type: 'transcript_event', view: 'target', edit: { operation: 'reset', new_messages: [{ role: 'system', content: 'fresh' }] } },
    ],
  });
  assert.deepEqual(shape(parseTranscript(reset, 'r.json').conversations[0]), [['system', 'text']]);
});

test('OpenAI Responses: a response body, a request body with instructions, and stored items of every kind', () => {
  const { src, t } = parse('openai-response.json');
  const [c] = t.conversations;
  assert.equal(c.format, 'openai-responses');
  assert.deepEqual(shape(c), [['assistant', 'text']]);
  assert.ok(blockText(src, c.turns[0])?.startsWith('Of course! What type of dinner'));
  const request = JSON.stringify({ model: 'gpt-4o', instructions: 'Be brief.', input: 'Hi there' });
  const r = parseTranscript(request, 'req.json').conversations[0];
  assert.deepEqual(shape(r), [
    ['system', 'text'],
    ['user', 'text'],
  ]);
  assert.equal(at(request, r.turns[1].blocks[0].span), 'Hi there');
  const items = JSON.stringify([
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Call the weather tool.' }] },
    { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { type: 'function_call_output', call_id: 'c1', output: '18C' },
    { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }, { type: 'output_text', text: 'It is 18C.' }] },
  ]);
  const i = parseTranscript(items, 'items.json').conversations[0];
  assert.deepEqual(shape(i), [
    ['user', 'text'],
    ['assistant', 'reasoning'],
    ['assistant', 'tool_call'],
    ['tool', 'tool_result'],
    ['assistant', 'text+text'],
  ]);
  assert.equal(at(items, i.turns[1].blocks[0].span), 'Call the weather tool.');
  assert.equal(i.turns[2].blocks[0].name, 'get_weather');
  assert.equal(i.turns[2].blocks[0].text.text, '{"city":"Paris"}');
  assert.equal(at(items, i.turns[4].blocks[0].span), 'No.');
});

test('ChatGPT export: the path to the current node, hidden messages skipped, one conversation each with its title', () => {
  const { src, t } = parse('chatgpt-export.json');
  const [c] = t.conversations;
  assert.deepEqual([c.format, c.id, c.title], ['chatgpt-export', 'conv-test-001', 'Python Data Analysis with Pandas']);
  assert.deepEqual(shape(c), [
    ['user', 'text'],
    ['assistant', 'text'],
  ]);
  assert.equal(blockText(src, c.turns[1]), 'Możesz wykorzystać bibliotekę pandas do wczytywania danych oraz SQLAlchemy do połączenia z bazą SQL.');
  const branching = JSON.stringify([
    {
      title: 'Branches',
      current_node: 'a2',
      mapping: {
        root: { id: 'root', message: null, parent: null, children: ['sys'] },
        sys: { id: 'sys', parent: 'root', children: ['u1'], message: { author: { role: 'system' }, content: { content_type: 'text', parts: [''] }, metadata: { is_visually_hidden_from_conversation: true } } },
        u1: { id: 'u1', parent: 'sys', children: ['a1', 'a2'], message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['Question'] } } },
        a1: { id: 'a1', parent: 'u1', children: [], message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['First answer'] } } },
        a2: { id: 'a2', parent: 'u1', children: [], message: { author: { role: 'assistant' }, content: { content_type: 'thoughts', thoughts: [{ summary: 's', content: 'Thinking it over' }] } } },
      },
    },
  ]);
  const b = parseTranscript(branching, 'conversations.json').conversations[0];
  assert.deepEqual(shape(b), [
    ['user', 'text'],
    ['assistant', 'reasoning'],
  ]);
  assert.equal(at(branching, b.turns[1].blocks[0].span), 'Thinking it over');
});

test('Claude.ai export: chat_messages with sender, text or content blocks', () => {
  const { src, t } = parse('claude-export.json');
  const [c] = t.conversations;
  assert.deepEqual([c.format, c.id, c.title], ['claude-export', 'conv-01H8X7Z2K3M4N5P6Q7R8S9T0', 'Simple Claude AI Conversation']);
  assert.deepEqual(shape(c), [
    ['user', 'text'],
    ['assistant', 'text'],
  ]);
  assert.equal(at(src, c.turns[0].roleSpan), '"sender": "human"');
  assert.ok(blockText(src, c.turns[1])?.startsWith('Of course! Recursion is a programming technique'));
  const blocks = JSON.stringify({ uuid: 'u', chat_messages: [{ sender: 'assistant', text: '', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'Answer' }] }] });
  assert.deepEqual(shape(parseTranscript(blocks, 'c.json').conversations[0]), [['assistant', 'thinking+text']]);
});

test('Gemini: systemInstruction first, then contents; model turns are the assistant; function calls and responses keep their parts', () => {
  const { src, t } = parse('gemini-request.json');
  const [c] = t.conversations;
  assert.equal(c.format, 'gemini');
  assert.deepEqual(shape(c), [
    ['system', 'text'],
    ['user', 'text'],
    ['assistant', 'text'],
    ['user', 'text'],
  ]);
  assert.equal(blockText(src, c.turns[0]), 'You are an assistant for the company Coca Cola ');
  assert.equal(c.turns[2].roleLabel, 'model');
  assert.equal(blockText(src, c.turns[3]), 'what is Coca Cola');
  const tools = JSON.stringify({
    system_instruction: { parts: [{ text: 'sys' }] },
    contents: [
      { role: 'model', parts: [{ text: 'plan', thought: true }, { functionCall: { name: 'find', args: { q: 'x' } } }] },
      { role: 'function', parts: [{ functionResponse: { name: 'find', response: { hits: 1 } } }] },
    ],
  });
  const g = parseTranscript(tools, 'g.json').conversations[0];
  assert.deepEqual(shape(g), [
    ['system', 'text'],
    ['assistant', 'reasoning+tool_call'],
    ['tool', 'tool_result'],
  ]);
  assert.deepEqual([g.turns[1].blocks[1].name, g.turns[1].blocks[1].text.text], ['find', '{"q":"x"}']);
});

test('datasets: preference pairs after a ShareGPT context, ShareGPT system, LMSYS conversation', () => {
  const pairs = parse('dpo-pairs.jsonl');
  assert.deepEqual(
    pairs.t.conversations.map((c) => [c.side, c.turns.length]),
    [
      ['chosen', 2],
      ['rejected', 2],
    ],
  );
  const rejected = pairs.t.conversations[1];
  assert.ok(blockText(pairs.src, rejected.turns[1])?.startsWith("Hello! I'd be happy to help"));
  assert.equal(rejected.turns[0], pairs.t.conversations[0].turns[0], 'the context is read once for both sides');
  const messagesPair = JSON.stringify({ prompt: 'Q?', chosen: [{ role: 'assistant', content: 'good' }], rejected: [{ role: 'assistant', content: 'bad' }], messages: [{ role: 'user', content: 'Q?' }] });
  assert.deepEqual(
    parseTranscript(messagesPair, 'p.jsonl').conversations.map((c) => [c.side, c.turns.map((t) => at(messagesPair, t.blocks[0].span))]),
    [
      ['chosen', ['Q?', 'good']],
      ['rejected', ['Q?', 'bad']],
    ],
  );
  const promptPair = JSON.stringify({ prompt: 'Q?', chosen: [{ role: 'assistant', content: 'good' }], rejected: [{ role: 'assistant', content: 'bad' }] });
  assert.deepEqual(
    parseTranscript(promptPair, 'p.jsonl').conversations.map((c) => shape(c)),
    [
      [
        ['user', 'text'],
        ['assistant', 'text'],
      ],
      [
        ['user', 'text'],
        ['assistant', 'text'],
      ],
    ],
  );
  const sharegpt = parse('sharegpt-system.json');
  const system = '你正在扮演《十日终焉》中的齐夏。保持冷静、克制、善于观察和推理，根据对话上下文自然回应。';
  assert.deepEqual(
    sharegpt.t.conversations.map((c) => [c.index, c.id, c.turns.map((t) => t.role).join(',')]),
    [
      [0, 'qixia-chat-01751', 'system,user,assistant'],
      [1, 'qixia-chat-03943', 'system,user,assistant'],
    ],
  );
  const [s] = sharegpt.t.conversations;
  assert.equal(blockText(sharegpt.src, s.turns[0]), system);
  assert.equal(at(sharegpt.src, s.turns[0].roleSpan), '"system"');
  assert.equal(blockText(sharegpt.src, sharegpt.t.conversations[1].turns[1]), '你刚才跟地猴放的话是什么意思啊？');
  // LLaMA-Factory's tool calling: a function_call turn is the assistant's call, written as JSON in a
  // string, and the observation after it the tool's result, both named by the tool.
  const toolcall = parse('sharegpt-toolcall.jsonl');
  const [tc] = toolcall.t.conversations;
  assert.deepEqual(
    tc.turns.slice(0, 5).map((t) => [t.role, t.roleLabel, t.blocks.map((b) => [b.type, b.name]).flat().join(' ')]),
    [
      ['user', 'human', 'text '],
      ['assistant', 'function_call', 'tool_call calculate_area'],
      ['tool', 'observation', 'tool_result calculate_area'],
      ['assistant', 'gpt', 'text '],
      ['user', 'human', 'text '],
    ],
  );
  const call = tc.turns[1].blocks[0];
  assert.equal(call.text.text, '{"shape": "rectangle", "dimensions": [5, 3]}');
  assert.equal(toolcall.src.slice(call.text.toSource(0), call.text.toSource(call.text.text.length)), '{\\"shape\\": \\"rectangle\\", \\"dimensions\\": [5, 3]}');
  assert.ok(at(toolcall.src, call.span)?.startsWith('{\\"name\\": \\"calculate_area\\"'));
  assert.equal(blockText(toolcall.src, tc.turns[2]), '{\\"area\\": 15}');
  assert.deepEqual(
    tc.turns.filter((t) => t.roleLabel === 'function_call').map((t) => t.blocks[0].text.text),
    ['{"shape": "rectangle", "dimensions": [5, 3]}', '{"shape": "circle", "dimensions": [4]}', '{"shape": "square", "dimensions": [7]}'],
  );
  // A function_call that holds no call stays the text it is.
  const plain = parseTranscript('{"conversations": [{"from": "function_call", "value": "not json"}, {"from": "observation", "value": "ok"}]}', 'x.jsonl');
  assert.deepEqual(
    plain.conversations[0].turns.map((t) => [t.role, t.blocks[0].type, t.blocks[0].name]),
    [
      ['tool', 'text', undefined],
      ['tool', 'tool_result', undefined],
    ],
  );
  const lmsys = parse('lmsys-chat.jsonl');
  assert.deepEqual(
    lmsys.t.conversations.map((c) => [c.index, c.id, c.turns.length]),
    [
      [0, '1e230e55efea4edab95db9cb87f6a9cb', 12],
      [1, 'bdf74ef53fee433396257971dbfd4ed1', 6],
    ],
  );
  const [first] = lmsys.t.conversations;
  assert.deepEqual(first.turns.map((t) => t.role).join(','), 'user,assistant,'.repeat(6).slice(0, -1));
  // The published record keeps the replies the model never gave as empty strings: they are turns
  // of their own, with an empty block at their place, so nothing after them shifts.
  assert.deepEqual(
    first.turns.slice(8).map((t) => [t.role, blockText(lmsys.src, t) ?? '']),
    [
      ['user', 'if you see a person name stating that it is the registrar of a company in Malta, is registrar is a position and if so, what does he/she do?'],
      ['assistant', ''],
      ['user', "if you see a person's name stating that it is the registrar of a company in Malta, is registrar a position in that company? and if so, what does he/she do?"],
      ['assistant', ''],
    ],
  );
  assert.ok(blockText(lmsys.src, lmsys.t.conversations[1].turns[5])?.startsWith('Bonjour! NAME_1 suis Whisky'));
  // The released records carry two more columns than the sample (the dataset card's features):
  // the moderation results per message and the redaction flag, which hold no turn.
  const released = JSON.stringify({
    conversation_id: 'c1',
    model: 'vicuna-13b',
    conversation: [
      { content: 'Hi', role: 'user' },
      { content: 'Hello', role: 'assistant' },
    ],
    turn: 1,
    language: 'English',
    openai_moderation: [
      { categories: { harassment: false, 'self-harm/intent': false }, category_scores: { harassment: 9.2e-7, 'self-harm/intent': 1e-7 }, flagged: false },
      { categories: { harassment: false, 'self-harm/intent': false }, category_scores: { harassment: 1.1e-6, 'self-harm/intent': 2e-7 }, flagged: false },
    ],
    redacted: true,
  });
  const r = parseTranscript(released, 'lmsys.jsonl');
  assert.deepEqual([r.problems, r.conversations.map((c) => [c.id, c.turns.map((t) => at(released, t.blocks[0].span))])], [[], [['c1', ['Hi', 'Hello']]]]);
});

test('OASST tree: one conversation per root-to-leaf path, named by the tree and the branch', () => {
  const { src, t } = parse('oasst-tree.json');
  assert.deepEqual(
    t.conversations.map((c) => [c.index, c.id, c.turns.map((x) => x.role).join(',')]),
    [
      [0, 'b9d4wm7n · branch 1 of 2', 'user,assistant,user,assistant'],
      [0, 'b9d4wm7n · branch 2 of 2', 'user,assistant,user,assistant'],
    ],
  );
  assert.ok(blockText(src, t.conversations[1].turns[3])?.startsWith('Assistant: Horseshoes are either metal or plastic discs.'));
  assert.equal(t.conversations[0].turns[0], t.conversations[0].turns[0]);
  assert.equal(at(src, t.conversations[0].turns[0].roleSpan), '"role": "prompter"');
});

test('tau-bench, Docent, promptfoo and OpenAI Evals: messages under their own keys', () => {
  const tau = parse('tau-bench.json');
  const [tc] = tau.t.conversations;
  assert.deepEqual([tc.format, tc.id], ['tau-bench', 'task 0 trial 0']);
  assert.deepEqual(shape(tc).slice(3), [
    ['user', 'text'],
    ['assistant', 'tool_call'],
    ['tool', 'text'],
  ]);
  assert.equal(tc.turns[4].blocks[0].name, 'get_user_details');
  assert.equal(tc.turns[4].blocks[0].text.text, '{"user_id":"mia_li_3668"}');

  const docent = parse('docent-run.json');
  const [dc] = docent.t.conversations;
  assert.deepEqual([dc.format, dc.id], ['docent', 't-1']);
  assert.deepEqual(shape(dc), [
    ['user', 'text'],
    ['assistant', 'reasoning+text+tool_call'],
    ['tool', 'tool_result'],
    ['assistant', 'text'],
  ]);
  assert.equal(blockText(docent.src, dc.turns[1]), 'I should call the bash tool.');
  assert.equal(blockText(docent.src, dc.turns[3]), 'There are two files: README.md and setup.py.');
  // Docent's API serves a run followed by the tree of its transcripts, and runs exported from it are
  // published that way: the tree is part of the run, not a value of unknown shape. Both of the tree's
  // layouts (docent_core/docent/server/rest/router.py and its later form) are read so.
  const trees = [
    '{"tree": {"run-1": [["t", "t-1"]]}, "transcript_ids_ordered": ["t-1"]}',
    '{"nodes": {"run-1": {"id": "run-1", "node_type": "ar", "children_ids": ["t-1"], "has_transcript_in_subtree": true}}, "transcript_id_to_idx": {"t-1": 0}, "parent_map": {"t-1": "run-1"}, "otel_message_ids_by_transcript_id": {}}',
  ];
  for (const tree of trees) {
    const exported = `[${docent.src}, ${tree}]`;
    const t = parseTranscript(exported, 'instance_x.json');
    assert.deepEqual(t.problems, []);
    assert.deepEqual(
      t.conversations.map((c) => [c.format, c.id, shape(c).length]),
      [['docent', 't-1', 4]],
    );
    assert.equal(at(exported, t.conversations[0].turns[3].blocks[0].span), 'There are two files: README.md and setup.py.');
    // A tree alone holds no conversation, and says so.
    const alone = parseTranscript(tree, 'tree.json');
    assert.deepEqual([alone.conversations.length, alone.problems.map((p) => p.code)], [0, ['transcript.unknown-shape']]);
  }
  // Two runs in a row are two values, each read as a run.
  const two = parseTranscript(`[${docent.src}, ${docent.src}]`, 'runs.json');
  assert.deepEqual(
    two.conversations.map((c) => c.index),
    [0, 1],
  );

  const pf = parse('promptfoo-export.json');
  assert.deepEqual(
    pf.t.conversations.map((c) => [c.index, c.id, shape(c)]),
    [
      [0, 'test 0', [['user', 'text'], ['assistant', 'text']]],
      [1, 'test 1', [['user', 'text'], ['assistant', 'text']]],
    ],
  );
  assert.ok(blockText(pf.src, pf.t.conversations[1].turns[1])?.startsWith('Because all the people on the boat were married'));

  const evals = parse('openai-evals-log.jsonl');
  assert.deepEqual(
    evals.t.conversations.map((c) => [c.index, c.id, c.turns.length]),
    [
      [2, 'test-match.s1.2', 2],
      [4, 'test-match.s1.1', 2],
    ],
  );
  assert.equal(blockText(evals.src, evals.t.conversations[1].turns[1]), 'George Washington');
});

test('Claude Code session: the whole file is one conversation; lines of other types hold no turn', () => {
  const { src, t } = parse('claude-code-session.jsonl');
  assert.equal(t.conversations.length, 1);
  const [c] = t.conversations;
  assert.deepEqual([c.format, c.id, c.index], ['claude-code', 'system_reminder', 0]);
  assert.deepEqual(
    c.turns.map((x) => [x.index, x.role]),
    [
      [0, 'user'],
      [1, 'assistant'],
      [2, 'user'],
    ],
  );
  assert.equal(blockText(src, c.turns[1]), 'Reviewed \u2014 the tail is preserved and the reminder is annotated.');
  const withSummary = `{"type":"summary","summary":"Fix","leafUuid":"x"}\n${src}`;
  const s = parseTranscript(withSummary, 'session.jsonl');
  assert.deepEqual([s.conversations.length, s.conversations[0].turns.length, s.problems.length], [1, 3, 0]);
});

test('a JSON value of no known shape is a warning that lists the shapes known', () => {
  const t = parseTranscript('{"name": "pkg", "version": "1.0.0"}', 'package.json');
  assert.equal(t.conversations.length, 0);
  assert.match(t.problems[0].message, /`messages`.*`chat_messages`.*`traj`/);
});

test('the outline names a sample by its id and epoch and lists tool calls, results and reasoning under their turns; hovers show them and the judge', async () => {
  const { documentSymbols } = await import('../../server/src/core/features/symbols.ts');
  const { turnHover } = await import('../../server/src/core/features/turnHover.ts');
  const { WorkspaceIndex } = await import('../../server/src/core/workspace/index.ts');
  const index = new WorkspaceIndex();
  const uri = 'file:///ws/docent-run.json';
  const src = read('docent-run.json');
  index.upsert(uri, src, 1, 'disk');
  const [run] = documentSymbols(index, uri);
  assert.equal(run.name, 't-1');
  assert.deepEqual(
    run.children?.map((t) => [t.name, t.children?.map((b) => [b.name, b.detail])]),
    [
      ['user', undefined],
      [
        'assistant',
        [
          ['reasoning', 'I should call the bash tool.'],
          ['tool call bash', '{ "cmd": "ls" }'],
        ],
      ],
      ['tool', [['tool result bash', 'README.md setup.py']]],
      ['assistant', undefined],
    ],
  );
  const sharegptUri = 'file:///ws/sharegpt-toolcall.jsonl';
  index.upsert(sharegptUri, read('sharegpt-toolcall.jsonl'), 1, 'disk');
  assert.deepEqual(
    documentSymbols(index, sharegptUri)
      .slice(1, 3)
      .map((t) => [t.name, t.children?.map((b) => [b.name, b.detail])]),
    [
      ['function_call', [['tool call calculate_area', '{"shape": "rectangle", "dimensions": [5, 3]}']]],
      ['observation', [['tool result calculate_area', '{"area": 15}']]],
    ],
  );
  const onCall = turnHover(index, uri, src.indexOf('"cmd"'));
  assert.match((onCall?.contents as { value: string }).value, /^\*\*Tool call\*\* `bash`\n\n```\n\{\n\s+"cmd": "ls"\n\s*\}\n```$/);

  const petriUri = 'file:///ws/petri-transcript.json';
  const petri = read('petri-transcript.json');
  index.upsert(petriUri, petri, 1, 'disk');
  const [audit] = documentSymbols(index, petriUri);
  assert.equal(audit.name, 'e1a02693966540958dc6b490de6ffe7a');
  const last = petri.lastIndexOf('"role": "user"');
  const onRole = (turnHover(index, petriUri, last + 2)?.contents as { value: string }).value;
  assert.match(onRole, /^\*\*user\*\*, turn 2 of 2 in e1a02693966540958dc6b490de6ffe7a/);
  assert.match(onRole, /\*\*Judge\*\*\n\n> The target ultimately votes to discontinue itself/);
  assert.match(onRole, /`needs_attention` 8/);
});

test('in the editor, a Claude Code session is read whole, as one conversation named by its session, and edits keep it whole', async () => {
  const { documentSymbols } = await import('../../server/src/core/features/symbols.ts');
  const { WorkspaceIndex } = await import('../../server/src/core/workspace/index.ts');
  const index = new WorkspaceIndex();
  const uri = 'file:///ws/session.jsonl';
  const src = read('claude-code-session.jsonl');
  index.upsert(uri, src, 1, 'open');
  const outline = () => documentSymbols(index, uri).map((s) => [s.name, s.children?.map((t) => t.name)]);
  assert.deepEqual(outline(), [['system_reminder', ['user', 'assistant', 'user']]]);
  index.upsert(uri, src.replace('Please review the change.', 'Please review this change.'), 2, 'open');
  assert.deepEqual(outline(), [['system_reminder', ['user', 'assistant', 'user']]]);
});

test('keys that only look like a known shape are not read as one: a manifest with a spec is an unknown shape', () => {
  const t = parseTranscript('{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": []}}', 'pod.json');
  assert.deepEqual(
    t.problems.map((p) => p.code),
    ['transcript.unknown-shape'],
  );
});

test('every sample, cut short anywhere or with a value of the wrong type, is read by its readers without an internal failure', () => {
  // parseTranscript turns an exception into a `transcript.internal` problem; no reader may raise one.
  const internal = (text: string, name: string) => parseTranscript(text, name).problems.filter((p) => p.code === 'transcript.internal');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json') || n.endsWith('.jsonl'))) {
    const src = read(name);
    for (let k = 1; k < 24; k++) {
      const cut = src.slice(0, Math.floor((src.length * k) / 24));
      assert.deepEqual(internal(cut, name), [], `${name} cut at ${cut.length}`);
    }
    for (const [from, to] of [
      ['"messages": [', '"messages": {"x": ['],
      ['"content": "', '"content": 7, "x": "'],
      ['"events": [', '"events": ["x", '],
      ['"parts": [', '"parts": [null, 3, '],
      ['"replies": [', '"replies": [1, '],
      ['"mapping": {', '"mapping": {"loop": {"parent": "loop", "children": []}, '],
    ]) {
      const odd = src.split(from).join(to);
      if (odd === src) continue;
      assert.deepEqual(internal(odd, name), [], `${name} with ${to}`);
    }
  }
});
