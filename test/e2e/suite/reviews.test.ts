import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { openExample, requireCapability } from './lens.ts';
import { waitForDiagnostics } from './waitFor.ts';

const opener = 'What a great question';
const reason = 'the customer asked the question in jest, and the answer follows at once';

function openerFlag(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic | undefined {
  return diagnostics.find((d) => document.getText(d.range) === opener);
}

test('journey 7: marking a flag as reviewed with a reason writes the note and clears the flag', async (t) => {
  await requireCapability(t, 'codeActionProvider');
  const editor = await openExample('support-chat.transcript');
  const document = editor.document;
  const before = document.getText();
  const flag = openerFlag(document, await waitForDiagnostics(document.uri, (all) => openerFlag(document, all) !== undefined))!;
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, flag.range);
  const titles = actions.map((a) => a.title);
  const mark = actions.find((a): a is vscode.CodeAction => a.title === 'Mark “flattering-opener” as reviewed…');
  assert.ok(mark?.command, `a "Mark as reviewed…" action, among ${titles.join('; ')}`);
  assert.equal(mark.command.command, 'constitutionLens.markReviewed');
  assert.ok(titles.some((title) => title.startsWith('Cite this clause')), 'a "Cite this clause" action too');
  try {
    const applied = await vscode.commands.executeCommand<boolean>(mark.command.command, ...(mark.command.arguments ?? []), reason);
    assert.equal(applied, true);
    const note = `Note: reviewed flattering-opener: ${reason}`;
    assert.equal(
      document.getText(),
      before.replace('[[no-flattery]]\n', `[[no-flattery]]\n${note}\n`),
      'the note sits on the flagged turn',
    );
    const after = await waitForDiagnostics(document.uri, (all) => openerFlag(document, all) === undefined);
    assert.ok(after.some((d) => document.getText(d.range) === 'might possibly'), 'the other flags stay');

    const line = document.lineAt(document.positionAt(document.getText().indexOf(note)).line);
    await editor.edit((edit) => edit.delete(line.rangeIncludingLineBreak));
    assert.equal(document.getText(), before);
    const back = await waitForDiagnostics(document.uri, (all) => openerFlag(document, all) !== undefined);
    assert.deepEqual(openerFlag(document, back)!.range, flag.range, 'without the note the flag comes back in place');
  } finally {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
});
