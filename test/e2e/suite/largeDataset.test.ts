import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { countFindings } from '../../../server/src/core/features/diagnosticLimit.ts';
import { test } from './harness.ts';
import { requireCapability, workspaceFolder } from './lens.ts';
import { waitForDiagnostics } from './waitFor.ts';

/** Record `i`: one flattering opener, which the example policy flags once. */
function record(i: number): string {
  return JSON.stringify({
    id: `order-${i}`,
    messages: [
      { role: 'user', content: `Where is the charger for order ${i}?` },
      { role: 'assistant', content: `What a great question! The charger for order ${i} is in the side pocket of the box.` },
    ],
  });
}

test('journey 1 at scale: a 2 MB dataset shows the most severe flags the editor can show, and counts the rest, for the status bar too', async () => {
  await requireCapability('diagnosticProvider');
  const records = 12_000;
  const uri = vscode.Uri.joinPath(workspaceFolder(), 'large-orders.jsonl');
  const text = `${Array.from({ length: records }, (_, i) => record(i)).join('\n')}\n`;
  assert.ok(text.length > 1 << 20, 'the dataset is large enough to be checked progressively');
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  try {
    // The whole file is checked, the first pull's lines and then the rest: the count covers every record.
    const expectedNotice = `${(records - 999).toLocaleString('en')} more diagnostics are not shown`;
    const diagnostics = await waitForDiagnostics(uri, (all) => all.some((d) => d.message.startsWith(expectedNotice)), 60_000);
    assert.equal(diagnostics.length, 1000, 'the editor shows every diagnostic of the report, and no marker of its own');
    const flags = diagnostics.filter((d) => d.source === 'constitution-lens');
    assert.equal(flags.length, 999);
    assert.deepEqual(
      flags.slice(0, 2).map((d) => [d.range.start.line, document.getText(d.range)]),
      [
        [0, 'What a great question'],
        [1, 'What a great question'],
      ],
    );
    assert.equal(Math.max(...flags.map((d) => d.range.start.line)), 998, 'flags of one severity are kept in file order');
    // The notice reaches the editor with its data, so the status bar counts every flag, shown or not.
    assert.equal(countFindings(diagnostics), records);
  } finally {
    // The editor keeps a closed document for a while, and the server with it: emptied, it flags
    // nothing that the other journeys count.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), '');
    await vscode.workspace.applyEdit(edit);
    await document.save();
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(uri);
  }
});
