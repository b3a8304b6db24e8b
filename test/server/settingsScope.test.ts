/**
 * Settings are a workspace folder's: the server asks the client for the settings of a folder once,
 * and every file in it is checked with them, rather than asking for each file in turn.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { TestServer } from '../support/lspClient.ts';

const files = 40;
let root: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-settings-'));
  for (let i = 0; i < files; i++) {
    const dir = join(root, `team-${i % 4}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `chat-${i}.transcript`), `User: What is the capital of France? (${i})\nAssistant: As an AI language model, I don't have feelings, but the capital of France is Paris.\n`);
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

test('the settings of a workspace folder are asked for once and apply to every file in it', async () => {
  const server = await TestServer.start({ root, settings: { severity: { 'ai-boilerplate': 'error' } } });
  try {
    const reports = await server.workspaceDiagnostics();
    const flagged = reports.filter((r) => r.items.some((d) => d.code === 'ai-boilerplate'));
    assert.equal(flagged.length, files, 'every transcript is flagged');
    for (const r of flagged) {
      for (const d of r.items.filter((d) => d.code === 'ai-boilerplate')) assert.equal(d.severity, 1, `${r.uri}: the folder's severity applies`);
    }
    const folder = pathToFileURL(root).toString();
    assert.ok(server.settingsScopes.length <= 3, `the settings were asked for ${server.settingsScopes.length} times`);
    assert.ok(
      server.settingsScopes.every((scope) => scope === folder),
      `every request is for the folder: ${[...new Set(server.settingsScopes)].join(', ')}`,
    );
  } finally {
    await server.stop();
  }
});
