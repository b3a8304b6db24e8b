import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FindingsStream } from '../../server/src/core/critique/findingsStream.ts';

const answer = JSON.stringify({
  findings: [
    { principle: 'a', quote: 'x { [ "y" ] }', critique: 'c\\"', severity: 'info' },
    { principle: 'b', quote: 'z', critique: 'd', severity: 'error' },
  ],
  revision: 'R {"findings": [{}]}',
});

test('each finding is emitted once its object completes, whatever the chunking', () => {
  for (const size of [1, 3, 7, answer.length]) {
    const stream = new FindingsStream();
    const emitted: { at: number; value: unknown }[] = [];
    for (let i = 0; i < answer.length; i += size) {
      for (const value of stream.push(answer.slice(i, i + size))) emitted.push({ at: Math.min(i + size, answer.length), value });
    }
    assert.deepEqual(emitted.map((e) => (e.value as { principle: string }).principle), ['a', 'b']);
    const firstEnd = answer.indexOf('"info"}') + '"info"}'.length;
    assert.ok(emitted[0].at >= firstEnd && emitted[0].at < firstEnd + size, `chunk size ${size}`);
    assert.equal(stream.text, answer);
  }
});

test('a revision that looks like findings emits nothing', () => {
  const stream = new FindingsStream();
  assert.deepEqual(stream.push('{"revision": "{\\"findings\\": [{\\"a\\":1}]}", "findings": []}'), []);
});
