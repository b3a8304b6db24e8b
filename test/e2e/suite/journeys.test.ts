import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { openExample, positionOf, requireCapability } from './lens.ts';
import { waitForDiagnostics } from './waitFor.ts';

/** The flattering opener of the first assistant turn of examples/support-chat.transcript. */
const opener = 'What a great question';

function flagAt(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[], text: string): vscode.Diagnostic | undefined {
  return diagnostics.find((d) => document.getText(d.range) === text);
}

test('journey 1: the Problems panel lists the flagged turns of a transcript', async () => {
  await requireCapability('diagnosticProvider');
  const { document } = await openExample('support-chat.transcript');
  const diagnostics = await waitForDiagnostics(document.uri, (all) => flagAt(document, all, opener) !== undefined);
  const flag = flagAt(document, diagnostics, opener)!;
  assert.deepEqual(
    [flag.range.start.line, flag.range.start.character, flag.range.end.line, flag.range.end.character],
    [4, 11, 4, 11 + opener.length],
  );
  assert.match(`${flag.message} ${JSON.stringify(flag.code)}`, /no-flattery|flattering-opener/);
  const hedged = diagnostics.find((d) => document.getText(d.range) === 'might possibly');
  assert.ok(hedged, 'the stacked hedges are flagged');
  const clean = positionOf(document, 'Yes. I have changed');
  assert.equal(diagnostics.some((d) => d.range.start.line === clean.line), false, 'the clean turn has no flag');
});

test('journey 1: a hover on a flag names the principle', async () => {
  await requireCapability('hoverProvider');
  const { document } = await openExample('support-chat.transcript');
  await waitForDiagnostics(document.uri, (all) => flagAt(document, all, opener) !== undefined);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, opener, 3));
  const text = hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
  assert.match(text, /Respect the customer's time|no-flattery/);
});

test('journey 2: go to definition from a citation opens the clause', async () => {
  await requireCapability('definitionProvider');
  const { document } = await openExample('support-chat.transcript');
  const constitution = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(document.uri, '..', 'policy.constitution.md'));
  const heading = positionOf(constitution, '## Respect the customer');
  const at = positionOf(document, '[[no-flattery]]', 4);
  const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, at);
  assert.equal(definitions.length, 1);
  const target = definitions[0]!;
  const uri = 'targetUri' in target ? target.targetUri : target.uri;
  const range = 'targetUri' in target ? (target.targetSelectionRange ?? target.targetRange) : target.range;
  assert.equal(uri.toString(), constitution.uri.toString());
  assert.equal(range.start.line, heading.line);
});

test('journey 4: typing [[ in a note completes clause ids', async () => {
  await requireCapability('completionProvider');
  const editor = await openExample('support-chat.transcript');
  const document = editor.document;
  const end = document.lineAt(document.lineCount - 1).range.end;
  const inserted = await editor.edit((edit) => edit.insert(end, '\nNote: see [['));
  assert.equal(inserted, true);
  try {
    const at = document.lineAt(document.lineCount - 1).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, at, '[');
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const id of ['no-flattery', 'calibrated', 'answer-directly', 'honesty', 'safety']) {
      assert.ok(labels.includes(id), `${id} is offered, among ${labels.join(', ')}`);
    }
  } finally {
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
});
