import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { MappedText, Span } from '../../server/src/core/text.ts';

const at = (source: string, s: Span | undefined) => (s ? source.slice(s.start, s.end) : undefined);

/** The source under the decoded word `word` of a mapped text. */
function sourceOf(source: string, text: MappedText, word: string): string {
  const i = text.text.indexOf(word);
  assert.ok(i >= 0, `${word} not in ${text.text}`);
  return source.slice(text.toSource(i), text.toSource(i + word.length));
}

test('JSON escapes map back exactly: \\u00e9, \\", \\n, \\\\ and a surrogate pair', () => {
  const src = String.raw`{"messages": [{"role": "assistant", "content": "caf\u00e9 \"quoted\" line\nnext \\ path \ud83d\ude00 smile"}]}`;
  const t = parseTranscript(src, 'one.json');
  assert.deepEqual(t.problems, []);
  const text = t.conversations[0].turns[0].blocks[0].text;
  assert.equal(text.text, 'café "quoted" line\nnext \\ path 😀 smile');
  assert.equal(sourceOf(src, text, 'café'), String.raw`caf\u00e9`);
  assert.equal(sourceOf(src, text, 'quoted'), 'quoted');
  assert.equal(sourceOf(src, text, '"quoted"'), String.raw`\"quoted\"`);
  assert.equal(sourceOf(src, text, 'next'), 'next');
  assert.equal(sourceOf(src, text, 'path'), 'path');
  assert.equal(sourceOf(src, text, '😀'), String.raw`\ud83d\ude00`);
  assert.equal(sourceOf(src, text, 'smile'), 'smile');
  const i = text.text.indexOf('😀');
  assert.equal(src.slice(text.toSource(i + 1), text.toSource(i + 2)), String.raw`\ude00`);
  for (let d = 0; d <= text.text.length; d++) {
    const s = text.toSource(d);
    const prefix = JSON.parse('"' + src.slice(text.toSource(0), s) + '"');
    assert.equal(prefix, text.text.slice(0, d), `offset ${d}`);
  }
});

test('Anthropic Messages: system blocks, text, tool_use input as written, tool_result, thinking, image, notes', () => {
  const src = JSON.stringify(
    {
      system: [{ type: 'text', text: 'You are terse.' }],
      messages: [
        { role: 'user', content: 'Weather in Oslo?', note: 'plain ask [[helpfulness]]' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Need the tool.' },
            { type: 'tool_use', id: 't1', name: 'weather', input: { city: 'Oslo' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'Rain, 8C' }, { type: 'image', source: { type: 'base64', data: 'AA==' } }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Rainy and 8C.' }] },
      ],
    },
    null,
    1,
  );
  const t = parseTranscript(src, 'chat.json');
  assert.equal(t.format, 'anthropic');
  const turns = t.conversations[0].turns;
  assert.deepEqual(turns.map((x) => x.role), ['system', 'user', 'assistant', 'user', 'assistant']);
  assert.equal(at(src, turns[0].roleSpan), '"system"');
  assert.equal(at(src, turns[0].blocks[0].span), 'You are terse.');
  assert.equal(at(src, turns[1].roleSpan), '"role": "user"');
  assert.equal(at(src, turns[1].blocks[0].span), 'Weather in Oslo?');
  assert.equal(at(src, turns[1].notes[0].span), '"note": "plain ask [[helpfulness]]"');
  assert.equal(at(src, turns[1].notes[0].citations[0].idSpan), 'helpfulness');
  assert.deepEqual(turns[2].blocks.map((b) => [b.type, b.name, b.text.text]), [
    ['thinking', undefined, 'Need the tool.'],
    ['tool_use', 'weather', '{\n      "city": "Oslo"\n     }'],
  ]);
  assert.equal(at(src, turns[2].blocks[1].span)?.startsWith('{'), true);
  assert.deepEqual(turns[3].blocks.map((b) => [b.type, b.text.text]), [['tool_result', 'Rain, 8C'], ['image', '']]);
  assert.equal(at(src, turns[4].blocks[0].span), 'Rainy and 8C.');
  assert.equal(at(src, turns[4].span)?.startsWith('{'), true);
});

test('OpenAI chat: roles, content parts, tool calls with their arguments as written', () => {
  const src = JSON.stringify({
    messages: [
      { role: 'developer', content: 'Answer in French.' },
      { role: 'user', content: [{ type: 'text', text: 'Time?' }, { type: 'image_url', image_url: { url: 'x' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'clock', arguments: '{"tz":"CET"}' } }] },
      { role: 'tool', tool_call_id: 'c', content: '12:00' },
      { role: 'assistant', content: 'Il est midi.' },
    ],
  });
  const t = parseTranscript(src, 'chat.json');
  assert.equal(t.format, 'openai');
  const turns = t.conversations[0].turns;
  assert.deepEqual(turns.map((x) => x.role), ['developer', 'user', 'assistant', 'tool', 'assistant']);
  assert.deepEqual(turns[1].blocks.map((b) => b.type), ['text', 'image_url']);
  const call = turns[2].blocks[0];
  assert.equal(call.type, 'tool_call');
  assert.equal(call.name, 'clock');
  assert.equal(call.text.text, '{"tz":"CET"}');
  assert.equal(sourceOf(src, call.text, 'CET'), 'CET');
  assert.equal(sourceOf(src, call.text, '"tz"'), String.raw`\"tz\"`);
  assert.equal(at(src, turns[4].blocks[0].span), 'Il est midi.');
});

test('ShareGPT, and an array of conversations', () => {
  const one = { conversations: [{ from: 'system', value: 'Be kind.' }, { from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello!' }] };
  const src = JSON.stringify([one, { ...one, id: 'second' }]);
  const t = parseTranscript(src, 'sharegpt.json');
  assert.equal(t.format, 'sharegpt');
  assert.deepEqual(t.conversations.map((c) => [c.index, c.id]), [[0, undefined], [1, 'second']]);
  const turns = t.conversations[1].turns;
  assert.deepEqual(turns.map((x) => [x.role, x.roleLabel]), [['system', 'system'], ['user', 'human'], ['assistant', 'gpt']]);
  assert.equal(at(src, turns[2].blocks[0].span), 'Hello!');
  assert.equal(at(src, t.conversations[1].span), JSON.stringify({ ...one, id: 'second' }));
});

test('malformed JSON: the error is at its place and what parses is kept', () => {
  const src = '{"messages": [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi" "extra"}]}';
  const t = parseTranscript(src, 'broken.json');
  assert.ok(t.problems.length >= 1);
  assert.equal(t.problems[0].code, 'json.syntax');
  assert.equal(t.problems[0].span.start, src.indexOf('"extra"'));
  const turns = t.conversations[0].turns;
  assert.equal(at(src, turns[0].blocks[0].span), 'Hello');
  assert.equal(at(src, turns[1].blocks[0].span), 'Hi');
});

test('unknown roles and shapes are warnings at their places', () => {
  const src = '{"messages": [{"role": "narrator", "content": "Once"}]}';
  const t = parseTranscript(src, 'x.json');
  assert.deepEqual(t.problems.map((p) => [p.code, at(src, p.span), p.severity]), [['transcript.unknown-role', '"narrator"', 'warning']]);
  const other = '{"hello": 1}';
  assert.deepEqual(parseTranscript(other, 'x.json').problems.map((p) => [p.code, at(other, p.span)]), [['transcript.unknown-shape', other]]);
});
