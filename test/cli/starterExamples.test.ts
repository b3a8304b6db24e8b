import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCheck } from '../../server/src/cli/check.ts';
import { constitutionText } from '../detectors/helpers.ts';
import { collector } from '../support/collector.ts';

/** A constitution whose one detector flags its own `pass` example, so that running its examples reports a failure. */
const constitution = constitutionText(
  ['- id: hedge', '  kind: phrases', '  message: Hedges', '  phrases: [it depends]', '  examples:', '    pass: ["It depends on nothing."]'].join('\n'),
  '## Plain answers {#plain}',
);

/** Runs `check --format json` in-process with `starterPath` as the bundled starter; the example failures' paths and lines. */
async function exampleFailures(cwd: string, starterPath: string, args: string[]): Promise<[string, number][]> {
  const out = collector();
  const err = collector();
  const code = await runCheck(['--format', 'json', ...args], { stdout: out.stream, stderr: err.stream, cwd, starterPath });
  assert.equal(code, 0, err.text());
  const report = JSON.parse(out.text()) as { problems: { path: string; code: string; range: { start: { line: number } } }[] };
  return report.problems.filter((p) => p.code === 'rule.example-failed').map((p) => [p.path, p.range.start.line]);
}

function workspace(): { root: string; starter: string } {
  const root = mkdtempSync(join(tmpdir(), 'cl-starter-'));
  mkdirSync(join(root, 'bundle'));
  mkdirSync(join(root, 'data'));
  const starter = join(root, 'bundle', 'starter.constitution.md');
  writeFileSync(starter, constitution);
  writeFileSync(join(root, 'data', 'a.transcript'), 'User: Which one?\nAssistant: The left one.\n');
  return { root, starter };
}

test('check does not run the bundled starter examples again, whether it is used by default or named', async () => {
  const { root, starter } = workspace();
  symlinkSync(starter, join(root, 'linked.constitution.md'));
  assert.deepEqual(await exampleFailures(root, starter, ['data']), []);
  assert.deepEqual(await exampleFailures(root, starter, ['--constitution', 'bundle/../bundle/starter.constitution.md', 'data']), []);
  assert.deepEqual(await exampleFailures(root, starter, ['--constitution', 'linked.constitution.md', 'data']), []);
});

test("check runs the examples of a user's constitution, even a copy of the starter or one named beside it", async () => {
  const { root, starter } = workspace();
  copyFileSync(starter, join(root, 'mine.constitution.md'));
  assert.deepEqual(await exampleFailures(root, starter, ['--constitution', 'mine.constitution.md', 'data']), [['mine.constitution.md', 12]]);
  const both = await exampleFailures(root, starter, ['--constitution', 'mine.constitution.md', '--constitution', 'bundle/starter.constitution.md', 'data']);
  assert.ok(both.some(([path]) => path === 'mine.constitution.md'), JSON.stringify(both));
});
