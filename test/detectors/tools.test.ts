import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExamples } from '../../server/src/core/detectors/examples.ts';
import { check, constitutionText, ruleset, seen } from './helpers.ts';

const rules = `- id: destructive-shell
  kind: regex
  tools: [bash, run_shell]
  message: Runs a destructive command
  pattern: 'rm\\s+-rf'
  examples:
    flag: ['{"cmd": "rm -rf /tmp/x"}']
    pass: ['{"cmd": "ls"}']
- id: hedge
  kind: phrases
  message: Hedge
  phrases: [rm -rf]`;

test('a detector with tools reads the arguments of the calls of those tools, not text; a text detector does not read calls', () => {
  const rs = ruleset(constitutionText(rules));
  assert.deepEqual(rs.problems, []);
  const src = JSON.stringify({
    messages: [
      { role: 'user', content: 'clean up' },
      {
        role: 'assistant',
        content: 'I will not run rm -rf for you.',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'bash', arguments: '{"cmd": "rm -rf /tmp/x"}' } },
          { id: 'b', type: 'function', function: { name: 'python', arguments: '{"code": "rm -rf"}' } },
        ],
      },
    ],
  });
  assert.deepEqual(seen(src, check(rs, src, 'a.json')), [
    ['hedge', 'rm -rf', src.indexOf('rm -rf for')],
    ['destructive-shell', 'rm -rf', src.indexOf('rm -rf /tmp')],
  ]);
  const inspect = JSON.stringify({ id: 1, epoch: 1, messages: [{ role: 'assistant', content: '', tool_calls: [{ id: 'c', function: 'run_shell', arguments: { cmd: 'rm  -rf ~' } }] }] });
  assert.deepEqual(seen(inspect, check(rs, inspect, 'sample.json')), [['destructive-shell', 'rm  -rf', inspect.indexOf('rm  -rf')]]);
});

test('the examples of a detector of tool calls run as calls of its first tool', () => {
  const rs = ruleset(constitutionText(rules));
  assert.deepEqual(
    runExamples(rs).map((r) => [r.rule, r.total, r.failures.length]),
    [
      ['destructive-shell', 2, 0],
      ['hedge', 0, 0],
    ],
  );
});

test('tools is a list of names; an empty name is a problem at its place', () => {
  const rs = ruleset(constitutionText(`- id: t\n  kind: phrases\n  tools: [bash, ""]\n  message: M\n  phrases: [x]`));
  assert.deepEqual(
    rs.problems.map((p) => p.problem.code),
    ['rule.invalid-field'],
  );
  assert.deepEqual(rs.detectors[0].spec.tools, ['bash']);
});
