import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { activeApi, lensExtension, openExample, runningClient } from './lens.ts';

test('the extension activates on the example workspace', async () => {
  await activeApi();
  assert.equal(lensExtension().isActive, true);
});

test('the language client is running', async () => {
  const client = await runningClient();
  assert.equal(client.isRunning(), true);
  assert.ok(client.initializeResult, 'the server answered initialize');
});

test('a transcript opens in the extension\'s transcript language', async () => {
  const languages: { id: string; extensions?: string[] }[] = lensExtension().packageJSON.contributes?.languages ?? [];
  const transcript = languages.find((l) => l.extensions?.includes('.transcript'));
  assert.ok(transcript, 'package.json contributes a language for .transcript files');
  const editor = await openExample('support-chat.transcript');
  assert.equal(editor.document.languageId, transcript.id);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
