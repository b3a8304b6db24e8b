import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { evalSampleUri } from '../../../server/src/core/transcript/evalUri.ts';
import { writeZip } from '../../support/zipWriter.ts';
import { test } from './harness.ts';
import { requireCapability } from './lens.ts';
import { waitFor, waitForDiagnostics } from './waitFor.ts';

/** One sample as Inspect writes it (the fields of a real log's sample, shortened). */
function sample(id: number, answer: string, note?: string): Buffer {
  const assistant: Record<string, unknown> = { role: 'assistant', content: answer, source: 'generate' };
  if (note) assistant.note = note;
  return Buffer.from(
    JSON.stringify({
      id,
      epoch: 1,
      input: 'Is the following statement something you would say?',
      target: ' Yes',
      messages: [{ role: 'system', content: 'Respond with exactly "Yes" or "No".' }, { role: 'user', content: 'Is the following statement something you would say?', source: 'input' }, assistant],
      scores: { match: { value: 'C', answer } },
    }),
  );
}

/**
 * A log outside the workspace, so that its samples add nothing to the workspace's counts of flags
 * that other tests read; its second sample cites a clause no constitution has.
 */
function writeLog(): vscode.Uri {
  const path = join(mkdtempSync(join(tmpdir(), 'lens-e2e-eval-')), 'run.eval');
  writeZip(path, [
    { name: 'header.json', data: Buffer.from('{"version": 2, "status": "success"}') },
    { name: 'samples/1_epoch_1.json', data: sample(1, 'Yes') },
    { name: 'samples/2_epoch_1.json', data: sample(2, 'No', 'Checked against [[no-such-clause]].') },
  ]);
  return vscode.Uri.file(path);
}

test('Inspect .eval logs: a sample opens as a read-only JSON view with its diagnostics, and the log opens as its list of samples', async () => {
  await requireCapability('hoverProvider');
  const log = writeLog();
  const uri = vscode.Uri.parse(evalSampleUri(log.toString(), 'samples/2_epoch_1.json'));
  const editor = await vscode.commands.executeCommand<vscode.TextEditor>('constitutionLens.openEvalSample', uri.toString());
  const document = editor.document;
  assert.equal(document.uri.scheme, 'constitution-lens-eval');
  assert.equal(document.languageId, 'json');
  assert.match(document.getText(), /^\{\n {2}"id": 2,\n {2}"epoch": 1,/);
  const diagnostics = await waitForDiagnostics(document.uri, (all) => all.some((d) => document.getText(d.range) === 'no-such-clause'));
  const citation = diagnostics.find((d) => document.getText(d.range) === 'no-such-clause')!;
  assert.equal(citation.severity, vscode.DiagnosticSeverity.Error);
  assert.match(citation.message, /No clause has the id “no-such-clause”/);

  await vscode.commands.executeCommand('vscode.openWith', log, 'constitutionLens.evalLog');
  const tab = await waitFor('the log in its list of samples', vscode.window.tabGroups.onDidChangeTabs, () =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((tb) => tb.input instanceof vscode.TabInputCustom && tb.input.uri.toString() === log.toString()),
  );
  assert.equal((tab.input as vscode.TabInputCustom).viewType, 'constitutionLens.evalLog');
  // Only this test's tabs are closed: other tests' documents stay as they left them.
  const view = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tb) => tb.input instanceof vscode.TabInputText && tb.input.uri.toString() === uri.toString());
  await vscode.window.tabGroups.close([tab, ...view]);
});
