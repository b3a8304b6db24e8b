/**
 * Commands that the server's code lenses and code actions carry: show a clause's references, and mark
 * a flag as reviewed with a reason that stays in the transcript.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { reviewEditRequest, type MarkReviewedArgs, type ReviewEditParams, type ReviewEditResult, type ShowReferencesArgs } from '../../server/src/protocol.ts';

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
  );
}
