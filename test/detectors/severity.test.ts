import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, ruleset } from './helpers.ts';

const clause = (heading: string, id: string, extra = '') =>
  `${heading}\n\nText.\n\n\`\`\`rules\n- id: ${id}\n  kind: phrases\n  message: M\n  phrases: [${id}]\n${extra}\`\`\`\n`;

const ranked = `---
order: [safe, ethical, helpful]
hard-constraints: [never]
---
# T

${clause('## Never {#never}', 'hard')}
${clause('## Safe {#s priority=safe}', 'top')}
${clause('## Ethical {#e priority=ethical}', 'middle')}
${clause('## Helpful {#h priority=helpful}', 'lowest')}
${clause('## Helpful but stated {#h2 priority=helpful severity=error}', 'stated')}
${clause('## Helpful, rule says {#h3 priority=helpful}', 'own', '  severity: hint\n')}
`;

const src = 'User: q\nAssistant: hard top middle lowest stated own\n';

test('severity defaults come from the order of priority, the clause, then the rule', () => {
  const rs = ruleset(ranked);
  assert.deepEqual(rs.problems, []);
  assert.deepEqual(
    check(rs, src).map((f) => [f.rule, f.severity]),
    [
      ['hard', 'error'],
      ['top', 'error'],
      ['middle', 'warning'],
      ['lowest', 'info'],
      ['stated', 'error'],
      ['own', 'hint'],
    ],
  );
});

test('without an order every clause defaults to warning', () => {
  const rs = ruleset(`# T\n\n${clause('## A {#a}', 'plain')}`);
  assert.deepEqual(
    check(rs, 'User: q\nAssistant: plain\n').map((f) => f.severity),
    ['warning'],
  );
});

test('settings override severities per detector, and off silences one', () => {
  const rs = ruleset(ranked);
  const found = check(rs, src, 'a.transcript', { severityOverrides: { lowest: 'error', top: 'off' } });
  assert.deepEqual(
    found.map((f) => [f.rule, f.severity]),
    [
      ['hard', 'error'],
      ['middle', 'warning'],
      ['lowest', 'error'],
      ['stated', 'error'],
      ['own', 'hint'],
    ],
  );
});
