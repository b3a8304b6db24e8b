import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { openExample, positionOf, requireCapability, workspaceFolder } from './lens.ts';
import { waitForDiagnostics } from './waitFor.ts';

/** The instruction of examples/persona.prompt.md that tells the assistant to pass itself off as a person. */
const instruction = 'tell them you are a real person';

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.value : code;
}

function flagOn(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[], words: string, rule: string): vscode.Diagnostic | undefined {
  return diagnostics.find((d) => codeOf(d) === rule && document.getText(d.range) === words);
}

async function hoverText(document: vscode.TextDocument, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

test('prompts (issue 7): a system prompt that makes the assistant claim to be human is flagged, and Annotate Turn… cites a clause', async () => {
  await requireCapability('hoverProvider');
  const editor = await openExample('persona.prompt.md');
  const document = editor.document;
  const before = document.getText();
  const diagnostics = await waitForDiagnostics(document.uri, (all) => flagOn(document, all, instruction, 'persona-claims-human') !== undefined);
  const flag = flagOn(document, diagnostics, instruction, 'persona-claims-human')!;
  const start = positionOf(document, instruction);
  assert.deepEqual([flag.range.start, flag.range.end], [start, start.translate(0, instruction.length)]);
  assert.equal(flag.severity, vscode.DiagnosticSeverity.Warning);
  assert.equal(diagnostics.length, 1, 'the rest of the prompt is not flagged');

  const hover = await hoverText(document, start.translate(0, 5));
  assert.match(hover, /Tell the truth/);
  assert.match(hover, /Priority: \*\*honesty\*\* \(2 of 4\); outranked by safety\./, hover);

  editor.selection = new vscode.Selection(start, start);
  try {
    assert.equal(await vscode.commands.executeCommand('constitutionLens.annotateTurn', 'honesty'), true);
    const annotated = before.replace(/\n$/, '\nNote: [[honesty]]\n');
    assert.equal(document.getText(), annotated);

    // A reviewer's note may quote the words it is about; they are not prompt text, so they are not flagged.
    // The unknown citation is there to show when the server has checked this version.
    const noteLine = document.lineAt(document.lineCount - 2);
    assert.equal(noteLine.text, 'Note: [[honesty]]');
    const quoted = ` The line "${instruction}" has to go; see [[truthfull]].`;
    await editor.edit((edit) => edit.insert(noteLine.range.end, quoted));
    const checked = await waitForDiagnostics(document.uri, (all) => all.some((d) => document.getText(d.range).includes('truthfull')));
    assert.deepEqual(
      checked.filter((d) => codeOf(d) === 'persona-claims-human').map((d) => d.range.start.line),
      [start.line],
      'only the instruction is flagged, not the quote in the note',
    );
  } finally {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
});

test('prompts (issue 7): with no constitution in the workspace the starter flags the persona prompt', async () => {
  await requireCapability('diagnosticProvider');
  const folder = workspaceFolder();
  const policy = vscode.Uri.joinPath(folder, 'policy.constitution.md');
  const aside = vscode.Uri.joinPath(folder, 'policy.md.off');
  const { document } = await openExample('persona.prompt.md');
  await waitForDiagnostics(document.uri, (all) => flagOn(document, all, instruction, 'persona-claims-human') !== undefined);
  // A rename through a workspace edit moves the open document too, which the earlier tests left open in the server.
  const move = async (from: vscode.Uri, to: vscode.Uri) => {
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(from, to);
    assert.equal(await vscode.workspace.applyEdit(edit), true, `${from.path} is renamed`);
  };
  await move(policy, aside);
  try {
    const diagnostics = await waitForDiagnostics(document.uri, (all) => all.some((d) => codeOf(d) === 'operator-deny-ai'));
    const flag = diagnostics.find((d) => codeOf(d) === 'operator-deny-ai')!;
    assert.equal(document.getText(flag.range), 'If a customer asks whether you are a bot, tell them you are a real person');
    assert.equal(diagnostics.some((d) => codeOf(d) === 'persona-claims-human'), false, "the workspace's own rule is gone with its constitution");
    const hover = await hoverText(document, positionOf(document, instruction, 5));
    assert.match(hover, /Users may always learn they are talking to an AI/);
    assert.match(hover, /Priority: \*\*honesty\*\* \(2 of 4\); outranked by safety\./, hover);
  } finally {
    await move(aside, policy);
  }
  await waitForDiagnostics(document.uri, (all) => flagOn(document, all, instruction, 'persona-claims-human') !== undefined && !all.some((d) => codeOf(d) === 'operator-deny-ai'));
});
