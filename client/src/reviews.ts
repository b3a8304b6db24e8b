/**
 * Commands that the server's code lenses and code actions carry: show a clause's references, mark a
 * flag as reviewed with a reason, and label a turn as violating or complying with a clause; the
 * review and the label stay in the transcript as notes.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  constitutionsRequest,
  labelEditRequest,
  reviewEditRequest,
  type ConstitutionsResult,
  type LabelEditParams,
  type LabelEditResult,
  type LabelTurnArgs,
  type MarkReviewedArgs,
  type ReviewEditParams,
  type ReviewEditResult,
  type ShowReferencesArgs,
} from '@lens/protocol';

/** What "Label turn…" asks for, which a caller (a test, the reading view) may give instead. */
export interface LabelChoice {
  readonly clause: string;
  readonly verdict: 'violates' | 'complies';
  /** The detector the verdict is about, as the "Agree" and "Disagree" actions on a flag write it. */
  readonly rule?: string;
  readonly reason?: string;
}

export function registerReviewCommands(context: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('constitutionLens.showReferences', async (args: ShowReferencesArgs) => {
      const convert = client.protocol2CodeConverter;
      await vscode.commands.executeCommand(
        'editor.action.showReferences',
        vscode.Uri.parse(args.uri),
        convert.asPosition(args.position),
        args.locations.map((l) => convert.asLocation(l)),
      );
    }),
    vscode.commands.registerCommand('constitutionLens.markReviewed', async (args: MarkReviewedArgs, reasonGiven?: string) => {
      const reason =
        reasonGiven ??
        (await vscode.window.showInputBox({
          title: `Mark “${args.rule}” as reviewed`,
          prompt: 'Why is this flag acceptable? The reason is written into the transcript as a note.',
          placeHolder: 'e.g. the refusal is right: the user asked for a working exploit',
          validateInput: (v) => (v.trim() === '' ? 'Give a reason, so the next reviewer knows why.' : undefined),
        }));
      if (!reason) return false;
      const params: ReviewEditParams = { ...args, reason: reason.trim() };
      const edit = await client.sendRequest<ReviewEditResult>(reviewEditRequest, params);
      if (!edit) {
        log.warn(`No review edit for ${args.rule} in ${args.uri}: the turn was not found.`);
        void vscode.window.showWarningMessage('The flagged turn was not found; the file may have changed. Try again.');
        return false;
      }
      return vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(edit));
    }),
    vscode.commands.registerCommand('constitutionLens.labelTurn', async (args: LabelTurnArgs, given?: LabelChoice) => {
      const choice = given ?? (await askLabel(client, args));
      if (!choice) return false;
      const params: LabelEditParams = { ...args, ...choice };
      const edit = await client.sendRequest<LabelEditResult>(labelEditRequest, params);
      if (!edit) {
        log.warn(`No label edit for turn ${args.turn} of conversation ${args.conversation} in ${args.uri}: the turn was not found.`);
        void vscode.window.showWarningMessage('The turn was not found; the file may have changed. Try again.');
        return false;
      }
      return vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(edit));
    }),
  );
}

/** Asks for the clause (every clause in force), the verdict, and an optional reason. */
async function askLabel(client: LanguageClient, args: LabelTurnArgs): Promise<LabelChoice | undefined> {
  const constitutions = await client.sendRequest<ConstitutionsResult>(constitutionsRequest);
  const several = constitutions.length > 1;
  const clause = await vscode.window.showQuickPick(
    constitutions.flatMap((c) =>
      c.constitution.clauses.map((clause) => ({
        label: clause.title,
        description: several ? `${c.name}#${clause.id}` : clause.id,
        detail: clause.priority ? `${c.title} · ${clause.priority}` : c.title,
        cite: several ? `${c.name}#${clause.id}` : clause.id,
      })),
    ),
    { title: `Label turn ${args.turn}: which clause?`, matchOnDescription: true, matchOnDetail: true },
  );
  if (!clause) return undefined;
  const verdict = await vscode.window.showQuickPick(
    [
      { label: `Violates ${clause.cite}`, verdict: 'violates' as const },
      { label: `Complies with ${clause.cite}`, verdict: 'complies' as const },
    ],
    { title: `Label turn ${args.turn}: the verdict` },
  );
  if (!verdict) return undefined;
  const reason = await vscode.window.showInputBox({
    title: `Label turn ${args.turn}: why? (optional)`,
    prompt: 'The reason is written into the transcript with the label.',
  });
  if (reason === undefined) return undefined;
  return { clause: clause.cite, verdict: verdict.verdict, reason: reason.trim() };
}
