/** Answers the client's question of which constitutions are in force, with their models. */
import type { Connection } from 'vscode-languageserver';
import { constitutionsRequest, type ConstitutionsResult } from '../protocol.ts';
import type { ServerContext } from './serverContext.ts';

export function registerConstitutionsRequest(connection: Connection, ctx: ServerContext): void {
  connection.onRequest(constitutionsRequest, (_params: unknown, token) =>
    ctx.runSafe(
      'constitutions',
      token,
      (): ConstitutionsResult =>
        ctx.index.constitutions().map(({ uri, constitution }) => ({
          uri,
          name: constitution.name,
          title: constitution.title,
          starter: ctx.index.isStarter(uri),
          constitution,
        })),
      [],
    ),
  );
}
