/**
 * Hovers: on a flagged range, the finding and its principle; on a citation, the clause it cites; on
 * a turn's role label or a tool call, result or reasoning, what the turn and its conversation hold.
 */
import { MarkupKind, type Connection, type Hover } from 'vscode-languageserver';
import { findingHover } from '../core/features/findingHover.ts';
import { demotionNote } from '../core/labels/demotion.ts';
import { hover as citationHover } from '../core/features/hover.ts';
import { turnHover } from '../core/features/turnHover.ts';
import type { ServerContext } from './serverContext.ts';

export function registerHoverSupport(connection: Connection, ctx: ServerContext): void {
  connection.onHover((params, token) =>
    ctx.runSafe(
      'hover',
      token,
      (): Hover | null => {
        const file = ctx.index.get(params.textDocument.uri);
        if (!file) return null;
        const offset = file.lines.offsetAt(params.position);
        const cited = citationHover(ctx.index, params.textDocument.uri, offset);
        if (cited) return cited;
        const flagged = findingHover(ctx.index, params.textDocument.uri, offset);
        if (!flagged) return turnHover(ctx.index, params.textDocument.uri, offset) ?? null;
        const first = flagged.findings[0];
        const demoted = [...new Set(flagged.findings.map((f) => f.rule))].flatMap((rule) => {
          const d = ctx.reviewers.demotion(rule);
          return d ? [`*${rule}*: ${demotionNote(d)}`] : [];
        });
        return {
          contents: { kind: MarkupKind.Markdown, value: [flagged.markdown, ...demoted].join('\n\n') },
          range: file.lines.rangeOf(first.span),
        };
      },
      null,
    ),
  );
}
