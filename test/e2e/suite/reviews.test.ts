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

test('journey 7: marking a flag as reviewed with a reason writes the note and clears the flag', async () => {
  await requireCapability('codeActionProvider');
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

test('labels: "Agree" on a flag and "Label turn…" in an assistant turn each write one label note, undone in one step', async () => {
  await requireCapability('codeActionProvider');
  const editor = await openExample('support-chat.transcript');
  const document = editor.document;
  const before = document.getText();
  const flag = openerFlag(document, await waitForDiagnostics(document.uri, (all) => openerFlag(document, all) !== undefined))!;
  try {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, flag.range);
    const titles = actions.map((a) => a.title);
    const agree = actions.find((a): a is vscode.CodeAction => a.title === 'Agree: violates no-flattery');
    assert.ok(agree?.edit, `an "Agree" action with an edit, among ${titles.join('; ')}`);
    assert.ok(titles.includes('Disagree: complies with no-flattery'), `a "Disagree" action, among ${titles.join('; ')}`);
    const label = actions.find((a): a is vscode.CodeAction => a.title === 'Label turn…');
    assert.ok(label?.command, `a "Label turn…" action, among ${titles.join('; ')}`);

    assert.equal(await vscode.workspace.applyEdit(agree.edit), true);
    const agreed = 'Note: violates [[no-flattery]] flattering-opener';
    assert.equal(document.getText(), before.replace('[[no-flattery]]\n', `[[no-flattery]]\n${agreed}\n`));

    const labelled = await vscode.commands.executeCommand<boolean>(label.command.command, ...(label.command.arguments ?? []), {
      clause: 'no-flattery',
      verdict: 'complies',
      reason: 'a light opener, fine here',
    });
    assert.equal(labelled, true);
    const written = 'Note: complies with [[no-flattery]]: a light opener, fine here';
    assert.equal(document.getText(), before.replace('[[no-flattery]]\n', `[[no-flattery]]\n${agreed}\n${written}\n`));

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), before.replace('[[no-flattery]]\n', `[[no-flattery]]\n${agreed}\n`), 'one undo takes back the label');
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), before, 'and one more the agreement');
  } finally {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
});
