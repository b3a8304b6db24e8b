import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { openExample, positionOf, requireCapability, workspaceFolder } from './lens.ts';
import { waitForDiagnostics } from './waitFor.ts';

/** The transcripts that cite `no-flattery` and hold a flag under it, one turn each. */
const citing = ['support-chat.transcript', 'onboarding.transcript.md', 'chats.jsonl'];
const heading = "## Respect the customer's time";

/** Opens the transcripts and waits for their flags, so the server has read every citation and finding. */
async function openCitingTranscripts(): Promise<vscode.TextDocument[]> {
  const documents: vscode.TextDocument[] = [];
  for (const name of citing) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), name));
    await waitForDiagnostics(document.uri, (all) => all.some((d) => d.code === 'flattering-opener' || JSON.stringify(d.code).includes('flattering-opener')));
    documents.push(document);
  }
  return documents;
}

function locationKey(location: vscode.Location | vscode.LocationLink): string {
  const uri = 'targetUri' in location ? location.targetUri : location.uri;
  const range = 'targetUri' in location ? location.targetRange : location.range;
  return `${uri.path.split('/').pop()}:${range.start.line}:${range.start.character}`;
}

test('journey 3: the lens above a clause reads "cited in N turns · flagged in M" and opens the references', async () => {
  await requireCapability('codeLensProvider');
  await openCitingTranscripts();
  const { document } = await openExample('policy.constitution.md');
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
  const at = positionOf(document, heading);
  const lens = lenses.find((l) => l.range.start.line === at.line);
  assert.ok(lens?.command, `a lens above the heading, among ${lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`).join('; ')}`);
  assert.equal(lens.command.title, 'cited in 3 turns · flagged in 3');
  assert.equal(lens.command.command, 'constitutionLens.showReferences');
  const titles = new Map(lenses.map((l) => [document.lineAt(l.range.start.line).text, l.command?.title]));
  assert.equal(titles.get('## Help with the actual request {#answer-directly priority=helpfulness}'), 'cited in 3 turns · flagged in 2');
  assert.equal(titles.get('### State confidence once {#calibrated priority=honesty severity=warning}'), 'cited in 1 turn · flagged in 2');

  try {
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const shown = (lens.command.arguments?.[0] as { locations: unknown[] }).locations;
    const references = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, positionOf(document, '{#no-flattery', 3));
    const found = references.map(locationKey).sort();
    assert.ok(found.includes(`policy.constitution.md:${at.line}:0`), `the heading is among ${found.join(', ')}`);
    const places = found.filter((key) => !key.startsWith('policy.constitution.md:'));
    assert.equal(shown.length, places.length, 'the lens lists what Find References finds beside the heading');
    const expected: string[] = [];
    for (const name of citing) {
      const text = (await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), name))).getText();
      const lines = text.split('\n');
      for (const needle of ['[[no-flattery]]', text.includes('What a great question') ? 'What a great question' : 'I love that you asked']) {
        const line = lines.findIndex((l) => l.includes(needle));
        const character = lines[line]!.indexOf(needle);
        expected.push(`${name}:${line}:${character}`);
      }
    }
    assert.deepEqual(places, expected.sort());
  } finally {
    await vscode.commands.executeCommand('closeReferenceSearch');
  }
});

test('journey 4: renaming a clause id changes its anchor and the citations in other files', async () => {
  await requireCapability('renameProvider');
  const transcripts = await openCitingTranscripts();
  const { document: constitution } = await openExample('policy.constitution.md');
  const before = new Map([constitution, ...transcripts].map((d) => [d.uri.toString(), d.getText()]));
  const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
    'vscode.executeDocumentRenameProvider',
    constitution.uri,
    positionOf(constitution, '{#no-flattery', 3),
    'no-praise',
  );
  assert.deepEqual(
    edit.entries().map(([uri, edits]) => [uri.path.split('/').pop(), edits.length]).sort(),
    [['chats.jsonl', 1], ['onboarding.transcript.md', 1], ['policy.constitution.md', 1], ['support-chat.transcript', 1]],
  );
  try {
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(constitution.getText(), before.get(constitution.uri.toString())!.replace('{#no-flattery', '{#no-praise'));
    for (const document of transcripts) {
      const old = before.get(document.uri.toString())!;
      assert.equal(document.getText(), old.replace('[[no-flattery]]', '[[no-praise]]'), `${document.uri.path} cites the new id`);
    }
    const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      transcripts[0]!.uri,
      positionOf(transcripts[0]!, '[[no-praise]]', 4),
    );
    assert.deepEqual(
      definitions.map((d) => ('targetUri' in d ? [d.targetUri.path, d.targetRange.start.line] : [d.uri.path, d.range.start.line])),
      [[constitution.uri.path, positionOf(constitution, heading).line]],
    );
  } finally {
    // Renaming back exercises the new id as a rename target too, and leaves the files as they were on disk.
    const back = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      constitution.uri,
      positionOf(constitution, '{#no-praise', 3),
      'no-flattery',
    );
    await vscode.workspace.applyEdit(back);
    for (const document of [constitution, ...transcripts]) {
      assert.equal(document.getText(), before.get(document.uri.toString()), `${document.uri.path} is restored`);
      await document.save();
    }
  }
});
