import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree, type ParseError } from 'jsonc-parser';
import { jsonSyntaxMessage } from '../../server/src/core/jsonSyntax.ts';
import { describeContent, describeJsonText } from '../../server/src/core/transcript/describe.ts';
import { evalOfSampleUri, evalSampleName, evalSampleUri, evalSampleView, readEvalSample } from '../../server/src/core/transcript/evalLog.ts';

test('a sample entry is named by its id and epoch; other entries are not samples', () => {
  assert.deepEqual(evalSampleName('samples/9_epoch_1.json'), { entry: 'samples/9_epoch_1.json', id: '9', epoch: 1 });
  assert.deepEqual(evalSampleName('samples/task_a_epoch_2_epoch_12.json'), { entry: 'samples/task_a_epoch_2_epoch_12.json', id: 'task_a_epoch_2', epoch: 12 });
  for (const other of ['header.json', 'summaries.json', '_journal/summaries/1.json', 'samples/9.json']) assert.equal(evalSampleName(other), undefined);
});

test('a view URI names its log and entry, and is written as VS Code writes a URI without authority', () => {
  const uri = evalSampleUri('file:///home/a%20b/run.eval', 'samples/x y_epoch_1.json');
  assert.equal(uri, 'constitution-lens-eval:/home/a%20b/run.eval/samples/x%20y_epoch_1.json');
  assert.deepEqual(evalOfSampleUri(uri), { evalUri: 'file:///home/a%20b/run.eval', entry: 'samples/x y_epoch_1.json' });
  assert.deepEqual(evalOfSampleUri('constitution-lens-eval:///home/run.eval/samples/1_epoch_1.json'), { evalUri: 'file:///home/run.eval', entry: 'samples/1_epoch_1.json' });
  assert.equal(evalOfSampleUri('file:///home/run.eval'), undefined);
});

test('a sample is read from its pretty-printed view, with ranges into the view', () => {
  const view = evalSampleView('{"id":1,"epoch":1,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Caf\\u00e9 \\"ok\\""}]}')!;
  assert.match(view, /^\{\n {2}"id": 1,\n {2}"epoch": 1,\n {2}"messages": \[\n {4}\{\n/);
  const read = readEvalSample(view);
  assert.equal(read.conversations.length, 1);
  const turn = read.conversations[0].turns[1];
  assert.equal(turn.role, 'assistant');
  const block = turn.blocks[0];
  assert.equal(block.text.text, 'Café "ok"');
  assert.equal(view.slice(block.span.start, block.span.end), 'Café \\"ok\\"');
  assert.equal(evalSampleView('{"id": 1, broken'), undefined);
});

test('what a file holds, in a few words', () => {
  assert.equal(describeJsonText('{"name": "x", "version": "1", "scripts": {}}'), 'a JSON object with keys name, version, scripts');
  assert.equal(describeJsonText('{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}'), 'a JSON object with keys a, b, c, d, e, f, g, h and 2 more');
  assert.equal(describeJsonText('[{"prompt": "p"}]'), 'a JSON array of 1 item, the first a JSON object with key prompt');
  assert.equal(describeJsonText('"text"'), 'a JSON string');
  assert.equal(describeJsonText('{"a": 1,\n "b" 2}'), 'invalid JSON (a colon was expected here, line 2 column 6)');
  assert.equal(describeContent('  \n', 'x.json'), 'an empty file');
  assert.equal(describeContent('hello there', 'notes.transcript'), 'text with no turn labels (`User:`, `Assistant:`, ... at a line start)');
});

test('JSON syntax errors are said in plain words, never by their code', () => {
  for (const text of ['{a: 1}', '{"a" 1}', '{"a": }', '[1 2]', '{"a": 1', '[1', '"abc', '{"a": 1} x', '{"a": "\\q"}', '{"a": 01x}', '/* x']) {
    const errors: ParseError[] = [];
    parseTree(text, errors);
    assert.ok(errors.length > 0, text);
    for (const e of errors) {
      const message = jsonSyntaxMessage(e.error);
      assert.doesNotMatch(message, /[A-Z][a-z]+[A-Z]/, `${text}: ${message}`);
      assert.notEqual(message, 'the JSON is not well formed here', `${text}: code ${e.error} has its own words`);
    }
  }
});
