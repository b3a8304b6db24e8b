/**
 * "Annotate Turn…": a quick pick of the loaded constitutions' clauses (searchable by id, title and
 * text) that writes a note citing the chosen clause on the turn at the cursor, in the file's syntax.
 */
import * as vscode from 'vscode';
import { parseTranscript, turnName, type Clause, type Constitution } from '@lens/core';
import { citationOf, noteInsertion } from './noteEdit.ts';
import { turnAt } from './turnAtCursor.ts';

interface ClauseItem extends vscode.QuickPickItem {
  readonly clause: Clause;
  readonly constitution: Constitution;
}

/** The quick pick items of the clauses: id, title, and the first line of the clause's text. */
export function clauseItems(constitutions: readonly Constitution[]): ClauseItem[] {
  const several = new Set(constitutions.map((c) => c.name)).size > 1;
  return constitutions.flatMap((constitution) =>
    constitution.clauses.map((clause) => {
      const firstLine = clause.text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
      return {
        label: clause.id,
        description: several ? `${clause.title} · ${constitution.name}` : clause.title,
        detail: firstLine,
        clause,
        constitution,
      };
    }),
  );
}

/**
 * Runs "Annotate Turn…". With `clauseId` (the command's optional argument, for scripts and tests) the
 * clause is not asked for.
 */
export async function annotateTurn(editor: vscode.TextEditor | undefined, findConstitutions: () => Promise<readonly Constitution[]>, clauseId?: string): Promise<boolean> {
  if (!editor) {
    void vscode.window.showInformationMessage('Open a transcript and put the cursor in a turn, then run “Annotate Turn…” again.');
    return false;
  }
  const document = editor.document;
  const version = document.version;
  const at = turnAt(parseTranscript(document.getText(), document.fileName), document.offsetAt(editor.selection.active));
  if (!at) {
    void vscode.window.showInformationMessage('The cursor is not in a turn of a transcript. Put it in a turn and run “Annotate Turn…” again.');
    return false;
  }
  const constitutions = await findConstitutions();
  const items = clauseItems(constitutions);
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No constitution with clauses was found, so there is nothing to cite. Add a *.constitution.md file to the workspace.');
    return false;
  }
  const given = clauseId === undefined ? undefined : items.find((i) => i.clause.id === clauseId);
  if (clauseId !== undefined && !given) {
    void vscode.window.showInformationMessage(`No clause “${clauseId}” is in the loaded constitutions.`);
    return false;
  }
  const pick = given ?? await vscode.window.showQuickPick(items, {
    title: `Annotate ${turnName(at.turn)} with a clause`,
    placeHolder: 'Search clauses by id, title or text',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return false;
  if (document.version !== version) {
    void vscode.window.showInformationMessage('The file changed while the clause was being chosen; no note was added. Run “Annotate Turn…” again.');
    return false;
  }
  const several = new Set(constitutions.map((c) => c.name)).size > 1;
  const edit = noteInsertion(document.getText(), document.fileName, at.turn, citationOf(pick.clause.id, several ? pick.constitution.name : undefined));
  if (!edit.ok) {
    void vscode.window.showInformationMessage(edit.reason);
    return false;
  }
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.insert(document.uri, document.positionAt(edit.insertion.offset), edit.insertion.text);
  return vscode.workspace.applyEdit(workspaceEdit);
}
