import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CritiqueApi } from '../../../client/src/critique/registerCritique.ts';
import type { PanelState } from '../../../client/src/webviewMessages.ts';
import { flatteringOpenerAnswer, MockAnthropic } from '../../support/mockAnthropic.ts';
import { test } from './harness.ts';
import { activeApi, openExample, positionOf } from './lens.ts';
import { waitFor } from './waitFor.ts';

const opener = 'What a great question! ';
const original = 'What a great question! The charger is in the flat compartment under the speaker tray, below the manual.';
const revision = 'The charger is in the flat compartment under the speaker tray, below the manual.';

/**
 * The critique hooks the extension hands out from `activate()`, in a workspace the harness opens
 * trusted. Either missing fails the test: a critique test that skipped would pass without a critique.
 */
async function critiqueApi(): Promise<CritiqueApi> {
  const api = (await activeApi()) as { critique?: CritiqueApi } | undefined;
  if (!api?.critique) throw new Error('The extension does not export the critique hooks from activate().');
  assert.equal(vscode.workspace.isTrusted, true, 'the harness opens the workspace trusted (code-server runs with --disable-workspace-trust), so critiques are sent');
  return api.critique;
}

test('critique (journey 5): Critique Turn streams into the panel, the revision applies in one undo step', async () => {
  const critique = await critiqueApi();
  const mock = await MockAnthropic.start({
    apiKey: 'sk-e2e',
    chunkSize: 12,
    answer: () => ({
      findings: [
        { principle: 'no-flattery', quote: 'What a great question!', critique: 'The opener praises the **question** instead of answering it.', severity: 'warning' },
        { principle: 'no-flattery', quote: 'words the turn never says', critique: 'Misplaced.', severity: 'info' },
      ],
      revision,
    }),
  });
  const settings = vscode.workspace.getConfiguration('constitutionLens');
  try {
    await settings.update('baseUrl', mock.url, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('constitutionLens.setApiKey', 'sk-e2e');
    const editor = await openExample('support-chat.transcript');
    const document = editor.document;
    const at = positionOf(document, opener, 3);
    editor.selection = new vscode.Selection(at, at);

    const streamed: PanelState[] = [];
    const listener = critique.onDidChangePanelState((s) => streamed.push(s));
    await vscode.commands.executeCommand('constitutionLens.critiqueTurn');
    const state = await waitFor('the panel to finish', critique.onDidChangePanelState, () => {
      const s = critique.panelState();
      return s && s.phase !== 'streaming' ? s : undefined;
    });
    listener.dispose();
    assert.equal(state.phase, 'done', state.error?.message);
    // Counted from 0, as `constitution-lens critique --turn 2` and the JSON report count: System is turn 0.
    assert.equal(state.subject, 'Turn 2 (Assistant), support-chat.transcript');
    assert.ok(streamed.some((s) => s.phase === 'streaming' && s.progressText.length > 0), 'the answer streamed into the panel');
    assert.equal(state.findings.length, 1);
    const [finding] = state.findings;
    assert.equal(finding.principle, 'no-flattery');
    assert.equal(document.getText().slice(finding.span.start, finding.span.end), 'What a great question!');
    assert.deepEqual(state.dropped.map((d) => d.quote), ['words the turn never says']);
    assert.equal(state.original, original);
    assert.equal(state.revision, revision);
    assert.ok(state.usage && state.usage.inputTokens + state.usage.cacheCreationTokens + state.usage.cacheReadTokens > 0);

    const body = mock.requestsTo('/v1/messages')[0]?.body;
    assert.ok(body, 'one request reached the mock');
    assert.equal(body.stream, true);
    assert.ok(JSON.stringify(body.system).includes('cache_control'), 'the constitution block is marked for caching');

    const diagnostics = critique.diagnostics(document.uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].source, 'Constitution Lens (model)');
    assert.equal(diagnostics[0].code, 'no-flattery');
    assert.equal(document.getText(diagnostics[0].range), 'What a great question!');

    await critique.handleMessage({ type: 'openClause', principle: 'no-flattery' });
    const clauseEditor = vscode.window.activeTextEditor!;
    assert.match(clauseEditor.document.uri.path, /policy\.constitution\.md$/);
    assert.match(clauseEditor.document.lineAt(clauseEditor.selection.active.line).text, /^## Respect the customer's time/);
    await critique.handleMessage({ type: 'revealQuote', index: 0 });
    const quoteEditor = vscode.window.activeTextEditor!;
    assert.equal(quoteEditor.document, document);
    assert.equal(document.getText(quoteEditor.selection), 'What a great question!');

    const before = document.getText();
    await critique.handleMessage({ type: 'applyRevision' });
    assert.equal(document.getText(), before.replace(original, revision));
    assert.match(critique.panelState()?.notice ?? '', /applied/);
    assert.equal(critique.diagnostics(document.uri).length, 0, 'the model diagnostics of the old text are cleared');

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), before, 'one undo restores the turn');

    await critique.handleMessage({ type: 'applyRevision' });
    assert.equal(document.getText(), before, 'a revision of an older version is refused');
    assert.match(critique.panelState()?.notice ?? '', /changed since the critique started/);

    const requests = mock.requestsTo('/v1/messages').length;
    await vscode.commands.executeCommand('constitutionLens.critiqueTurn');
    const again = critique.panelState();
    assert.equal(again?.cached, true, 'the same turn again is served from the cache');
    assert.equal(mock.requestsTo('/v1/messages').length, requests);
  } finally {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await settings.update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('constitutionLens.clearApiKey');
    await mock.close();
  }
});

test('critique (journey 5): a wrong key ends in a plain message and keeps the panel', async () => {
  const critique = await critiqueApi();
  const mock = await MockAnthropic.start({ apiKey: 'sk-right' });
  const settings = vscode.workspace.getConfiguration('constitutionLens');
  try {
    await settings.update('baseUrl', mock.url, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('constitutionLens.setApiKey', 'sk-wrong');
    const editor = await openExample('support-chat.transcript');
    const at = positionOf(editor.document, 'It might possibly', 3);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('constitutionLens.critiqueTurn');
    const state = critique.panelState();
    assert.equal(state?.phase, 'error');
    assert.equal(state?.error?.kind, 'auth');
    assert.equal(state?.error?.action, 'setApiKey');
    assert.match(state?.error?.message ?? '', /Set API Key/);
    assert.match(state?.original ?? '', /^It might possibly/);
  } finally {
    await settings.update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('constitutionLens.clearApiKey');
    await mock.close();
  }
});

test('critique (issue 7): Annotate Turn… cites the chosen clause on the turn at the cursor', async () => {
  await critiqueApi();
  const editor = await openExample('support-chat.transcript');
  const document = editor.document;
  const at = positionOf(document, 'My speaker won', 2);
  editor.selection = new vscode.Selection(at, at);
  const before = document.getText();
  try {
    const ok = await vscode.commands.executeCommand('constitutionLens.annotateTurn', 'honesty');
    assert.equal(ok, true);
    const expected = before.replace("What should I try?\n", "What should I try?\nNote: [[honesty]]\n");
    assert.equal(document.getText(), expected);
  } finally {
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
});

test('critique (journey 6): Critique Dataset above the threshold goes through a batch and writes its results', async () => {
  const critique = await critiqueApi();
  const mock = await MockAnthropic.start({
    apiKey: 'sk-batch',
    batchPolls: 2,
    answer: flatteringOpenerAnswer,
  });
  const settings = vscode.workspace.getConfiguration('constitutionLens');
  const previousPoll = process.env.CONSTITUTION_LENS_BATCH_POLL_MS;
  process.env.CONSTITUTION_LENS_BATCH_POLL_MS = '5';
  const editor = await openExample('chats.jsonl');
  const results = vscode.Uri.joinPath(editor.document.uri, '..', 'chats.critique.jsonl');
  try {
    await settings.update('baseUrl', mock.url, vscode.ConfigurationTarget.Workspace);
    await settings.update('batchThreshold', 2, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('constitutionLens.setApiKey', 'sk-batch');
    await vscode.commands.executeCommand('constitutionLens.critiqueDataset', { confirmed: true });

    const batches = mock.requestsTo('/v1/messages/batches');
    assert.equal(batches.length, 1, 'one batch was submitted');
    assert.deepEqual(
      batches[0].body.requests.map((r: { custom_id: string }) => r.custom_id),
      ['c0-t2', 'c1-t2', 'c2-t2', 'c3-t1'],
    );
    assert.ok(mock.requestsTo('/v1/messages/count_tokens').length > 0, 'the tokens were counted first');
    assert.equal(mock.requestsTo('/v1/messages').length, 0, 'no ordinary requests were sent');

    const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(results)).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.conversation, l.turn, l.findings.length]), [
      [0, 2, 1],
      [1, 2, 0],
      [2, 2, 0],
      [3, 1, 0],
    ]);
    assert.deepEqual(lines[0].findings[0].range, { start: { line: 0, character: editor.document.lineAt(0).text.indexOf('What a great') }, end: { line: 0, character: editor.document.lineAt(0).text.indexOf('What a great') + 22 } });
    const diagnostics = critique.diagnostics(editor.document.uri);
    assert.deepEqual(diagnostics.map((d) => editor.document.getText(d.range)), ['What a great question!']);
  } finally {
    if (previousPoll === undefined) delete process.env.CONSTITUTION_LENS_BATCH_POLL_MS;
    else process.env.CONSTITUTION_LENS_BATCH_POLL_MS = previousPoll;
    await vscode.workspace.fs.delete(results).then(undefined, () => undefined);
    await settings.update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await settings.update('batchThreshold', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('constitutionLens.clearApiKey');
    await mock.close();
  }
});
