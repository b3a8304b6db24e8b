import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openFile } from '../../../scripts/e2e/browser.ts';
import { startCodeServer } from '../../../scripts/e2e/codeServer.ts';
import type { Journey } from '../../../scripts/e2e/journey.ts';
import { flatteringOpenerAnswer, MockAnthropic } from '../../support/mockAnthropic.ts';
import { critiqueHedgingTurn, critiquePanel, reloadWindow, runCommand, scratchWorkspace, setApiKey, waitForFile } from './critiqueSteps.ts';

const revision = 'The most likely cause is the laptop’s Bluetooth driver. Update it, then pair again; if it still fails, try the speaker with another device.';

/** What survives a window reload: the critique panel's content, and a dataset batch still being processed. */
export const journeys: Journey[] = [
  {
    name: 'after a window reload the critique panel shows the same findings and revision',
    async run({ tools, root, openWorkbench }) {
      const mock = await MockAnthropic.start({
        apiKey: 'sk-reload',
        answer: () => ({
          findings: [
            { principle: 'calibrated', quote: 'might possibly be', critique: 'Three stacked hedges bury the steps.', severity: 'warning' },
            { principle: 'answer-directly', quote: 'I can’t be sure of any of this', critique: 'Ends on doubt instead of a step.', severity: 'info' },
          ],
          revision,
        }),
      });
      const { workspace, stateDir } = scratchWorkspace(root, { 'constitutionLens.baseUrl': mock.url });
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true });
      try {
        const page = await openWorkbench(server, true);
        const panel = await critiqueHedgingTurn(page, 'sk-reload');
        const seen = async () => ({
          clauses: await panel.locator('button.clause').allInnerTexts(),
          quotes: await panel.locator('button.quote').allInnerTexts(),
          critiques: await panel.locator('.critique').allInnerTexts(),
          original: await panel.locator('pre.original').innerText(),
          revised: await panel.locator('pre.revised').innerText(),
          added: await panel.locator('pre.revised ins').count(),
          status: await panel.locator('.status').innerText(),
        });
        const before = await seen();
        assert.deepEqual(before.clauses, ['calibrated', 'answer-directly']);
        assert.equal(before.revised, revision);
        assert.ok(before.added > 0, 'the revision is shown as a diff');

        await reloadWindow(page);
        const restored = critiquePanel(page);
        await restored.locator('button', { hasText: 'Apply Revision' }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.deepEqual(await seen(), before);
        assert.equal(mock.requestsTo('/v1/messages').length, 1, 'the restored panel sent no new request');

        // The restored panel still acts: applying the revision replaces the turn in the editor.
        await restored.locator('button', { hasText: 'Apply Revision' }).click();
        await page.locator('.view-line', { hasText: 'The most likely cause is the laptop' }).first().waitFor({ state: 'visible', timeout: 15_000 });
        await restored.locator('.notice', { hasText: 'Revision applied as one edit' }).waitFor({ state: 'visible' });
      } finally {
        await server.stop();
        await mock.close();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
  {
    name: 'a dataset batch submitted before a window reload is polled again and its results written',
    async run({ tools, root, openWorkbench }) {
      const mock = await MockAnthropic.start({
        apiKey: 'sk-reload-batch',
        batchPolls: 12,
        answer: flatteringOpenerAnswer,
      });
      const { workspace, stateDir } = scratchWorkspace(root, { 'constitutionLens.baseUrl': mock.url, 'constitutionLens.batchThreshold': 2 });
      const server = await startCodeServer(tools, { workspace, stateDir, smokeTestDriver: true, env: { CONSTITUTION_LENS_BATCH_POLL_MS: '250' } });
      try {
        const page = await openWorkbench(server, true);
        await openFile(page, 'chats.jsonl');
        await setApiKey(page, 'sk-reload-batch');
        await runCommand(page, 'Constitution Lens: Critique Dataset');
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await dialog.innerText(), /Critique 4 turns through the Message Batches API\?/);
        await dialog.locator('.monaco-button', { hasText: 'Submit Batch' }).click();

        const created = await mock.waitForRequest((r) => r.method === 'POST' && r.path === '/v1/messages/batches');
        assert.equal(created.body.requests.length, 4);
        const { path: polled } = await mock.waitForRequest((r) => r.method === 'GET' && r.path.startsWith('/v1/messages/batches/'));

        const reloadedAt = Date.now();
        await reloadWindow(page);
        const results = await waitForFile(join(workspace, 'chats.critique.jsonl'), (text) => text.endsWith('\n') && text.trim().split('\n').length === 4, 60_000).catch((e: Error) => {
          const log = mock.requests.map((r) => `${r.receivedAt >= reloadedAt ? 'after' : 'before'} the reload: ${r.method} ${r.path}`);
          throw new Error(`${e.message}\nRequests to the mock:\n${log.join('\n')}`);
        });

        const lines = results.trim().split('\n').map((l) => JSON.parse(l) as { conversation: number; turn: number; findings: { principle: string }[] });
        assert.deepEqual(lines.map((l) => [l.conversation, l.turn, l.findings.map((f) => f.principle)]), [
          [0, 2, ['no-flattery']],
          [1, 2, []],
          [2, 2, []],
          [3, 1, []],
        ]);
        assert.equal(mock.requestsTo('/v1/messages/batches').length, 1, 'the batch was not submitted again');
        assert.ok(mock.requestsTo(polled).some((r) => r.receivedAt >= reloadedAt), 'polling resumed after the reload');
        assert.equal(mock.requestsTo(`${polled}/results`).length, 1);
      } finally {
        await server.stop();
        await mock.close();
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
    },
  },
];
