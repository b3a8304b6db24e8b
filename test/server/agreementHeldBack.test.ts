/**
 * The reviewers' agreement is measured in the background over every file; a workspace pull, which
 * reads every file too and is what the Problems panel waits for, holds the measure back until it
 * has been answered, and the measure then runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';
import { ReviewerAgreement } from '../../server/src/lsp/reviewerAgreement.ts';
import { defaultSettings } from '../../server/src/lsp/settings.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 5000) throw new Error(`${what} did not happen`);
    await pause(10);
  }
}

test('the agreement is not measured while a workspace pull is answered, and is once it has been', async () => {
  const index = new WorkspaceIndex();
  let measures = 0;
  // The measure asks for the settings first thing, so each ask is a measure that started.
  const agreement = new ReviewerAgreement(
    () => index,
    async () => {
      measures++;
      return defaultSettings;
    },
    () => undefined,
    () => undefined,
    0,
  );
  let answer!: (reports: string) => void;
  const pull = agreement.holdingBack(() => new Promise<string>((resolve) => (answer = resolve)));
  agreement.schedule();
  await pause(100);
  assert.equal(measures, 0, 'no measure starts while the pull is being answered');

  answer('reports');
  assert.equal(await pull, 'reports', 'the pull is answered as it would be alone');
  await until(() => measures === 1, 'the measure held back');

  // With no pull being answered, a measure starts without waiting.
  agreement.schedule();
  await until(() => measures === 2, 'a measure with no pull');
});
