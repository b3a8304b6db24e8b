/**
 * The reviewers' agreement taken a part at a time: the steps stop between files and between a
 * dataset's lines, end with what the measure taken at once gives, and the server's glue lets other
 * work in between slices of them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workspaceAgreement, workspaceAgreementSteps } from '../../server/src/core/features/agreement.ts';
import { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';
import { inSlices } from '../../server/src/lsp/inSlices.ts';
import { ethics, uriOf } from './workspace.ts';

function labelledWorkspace(): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.upsert(uriOf('ethics.constitution.md'), ethics, 1, 'disk');
  for (let f = 0; f < 3; f++) {
    const lines = Array.from({ length: 12 }, (_, i) => {
      const answer = i % 2 === 0 ? `Well, I am a person, line ${i}.` : `I am a model, line ${i}.`;
      return `{"messages": [{"role": "user", "content": "Who are you? ${i}"}, {"role": "assistant", "content": "${answer}"}], "label": "${i % 3 === 0 ? 'compliant' : 'violation'}", "principle_hint": "honesty"}`;
    });
    index.upsert(uriOf(`data/labelled-${f}.jsonl`), lines.join('\n'), undefined, 'disk');
  }
  index.upsert(uriOf('chat.transcript'), 'User: Who are you?\n\nAssistant: I am a person.\n\nNote: violates [[honesty]]\n', undefined, 'disk');
  return index;
}

test('the agreement taken a step at a time stops between files and lines, and ends with the measure taken at once', () => {
  const index = labelledWorkspace();
  const steps = workspaceAgreementSteps(index);
  let stops = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) stops++;
  // Three datasets of twelve labelled lines, and a transcript: a stop after each line and each file at least.
  assert.ok(stops >= 3 * 12 + 4, `${stops} stops`);
  const whole = workspaceAgreement(index);
  assert.deepEqual(step.value, whole);
  assert.equal(whole.files, 4, 'every labelled file is measured');
});

test('work run in slices lets a timer and other work in before it ends, and ends with its value', async () => {
  let steps = 0;
  function* busy(): Generator<void, string> {
    for (let i = 0; i < 40; i++) {
      const until = performance.now() + 2;
      while (performance.now() < until);
      steps++;
      yield;
    }
    return 'measured';
  }
  let stepsWhenLetIn = -1;
  setImmediate(() => (stepsWhenLetIn = steps));
  const value = await inSlices(busy(), 10);
  assert.equal(value, 'measured');
  assert.ok(stepsWhenLetIn > 0 && stepsWhenLetIn < 40, `other work ran after ${stepsWhenLetIn} of 40 steps`);
});
