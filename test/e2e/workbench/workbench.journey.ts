import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Journey } from '../../../scripts/e2e/journey.ts';

/** Journeys of the workbench as a person sees it. */
export const journeys: Journey[] = [
  {
    name: 'opening examples/ shows the workbench with the explorer',
    async run({ openWorkbench, artifacts }) {
      const page = await openWorkbench();
      const explorer = page.locator('.explorer-folders-view');
      for (const name of ['policy.constitution.md', 'support-chat.transcript', 'onboarding.transcript.md', 'chats.jsonl', 'system.prompt.md']) {
        await explorer.locator(`.monaco-list-row[aria-label^="${name}"]`).waitFor({ state: 'visible', timeout: 15_000 });
      }
      await page.screenshot({ path: join(artifacts, 'workbench.png') });
      assert.equal(await explorer.locator('.monaco-list-row').count() >= 5, true);
    },
  },
];
