/** Answers "Show Agreement": the detectors measured against every label in the workspace. */
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { workspaceAgreementSteps } from '../core/features/agreement.ts';
import { agreementRequest, type AgreementResult } from '../protocol.ts';
import { inSlices } from './inSlices.ts';
import type { ServerContext } from './serverContext.ts';

export function registerAgreementRequest(connection: Connection, ctx: ServerContext): void {
  connection.onRequest<AgreementResult | null, void>(agreementRequest, (_params: unknown, token: CancellationToken) =>
    // Measured over the whole workspace, so not before the workspace has been read.
    ctx.runSafe('agreement', token, async (): Promise<AgreementResult | null> => (await ctx.indexed, await inSlices(workspaceAgreementSteps(ctx.index))), null),
  );
}
