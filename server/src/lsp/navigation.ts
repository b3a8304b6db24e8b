/** Go to definition, find references and document links, over the workspace index. */
import type { Connection, DocumentLink, Location } from 'vscode-languageserver';
import { definition } from '../core/features/definition.ts';
import { documentLinks } from '../core/features/documentLinks.ts';
import { references } from '../core/features/references.ts';
import type { ServerContext } from './serverContext.ts';

export function registerNavigationSupport(connection: Connection, ctx: ServerContext): void {
  connection.onDefinition((params, token) =>
    ctx.runSafe(
      'definition',
      token,
      (): Location[] => {
        const file = ctx.index.get(params.textDocument.uri);
        if (!file) return [];
        // Plain locations, which every client understands; the title is what the editor selects.
        return definition(ctx.index, file.uri, file.lines.offsetAt(params.position)).map((l) => ({
          uri: l.targetUri,
          range: l.targetSelectionRange,
        }));
      },
      [],
    ),
  );

  connection.onReferences((params, token) =>
    ctx.runSafe(
      'references',
      token,
      // References are looked for across the workspace: not before it has been read, so never partial.
      async (): Promise<Location[]> => {
        await ctx.indexed;
        const file = ctx.index.get(params.textDocument.uri);
        if (!file) return [];
        return references(ctx.index, file.uri, file.lines.offsetAt(params.position), params.context.includeDeclaration);
      },
      [],
    ),
  );

  connection.onDocumentLinks((params, token) =>
    ctx.runSafe('documentLinks', token, (): DocumentLink[] => documentLinks(ctx.index, params.textDocument.uri), []),
  );
}
