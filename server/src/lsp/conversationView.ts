/** Answers the reading view: one entry of a transcript as conversations, and a dataset's rows a page at a time. */
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { conversationPage, entryView, type ViewOptions } from '../core/features/conversationView.ts';
import {
  conversationListRequest,
  conversationViewRequest,
  type ConversationListParams,
  type ConversationListResult,
  type ConversationViewParams,
  type ConversationViewResult,
} from '../protocol.ts';
import type { ServerContext } from './serverContext.ts';

/** The most rows one page may ask for, so that a request cannot make the server read a whole file at once. */
const maxPage = 5000;

/** Registers `constitutionLens/conversationView` and `constitutionLens/conversationList`. */
export function registerConversationViewSupport(connection: Connection, ctx: ServerContext): void {
  connection.onRequest<ConversationViewResult, void>(conversationViewRequest, (params: ConversationViewParams, token: CancellationToken) =>
    ctx.runSafe('conversationView', token, async (): Promise<ConversationViewResult> => {
      if (typeof params?.uri !== 'string') return null;
      const entry = Number.isInteger(params.entry) && (params.entry ?? 0) >= 0 ? params.entry : undefined;
      return entryView(ctx.index, params.uri, entry, await viewOptions(ctx, params.uri)) ?? null;
    }, null),
  );
  connection.onRequest<ConversationListResult, void>(conversationListRequest, (params: ConversationListParams, token: CancellationToken) =>
    ctx.runSafe('conversationList', token, async (): Promise<ConversationListResult> => {
      if (typeof params?.uri !== 'string') return null;
      const start = Number.isInteger(params.start) && params.start >= 0 ? params.start : 0;
      const count = Number.isInteger(params.count) ? Math.min(Math.max(params.count, 1), maxPage) : 100;
      const filter = typeof params.text === 'string' && params.text.trim() !== '' ? { text: params.text } : {};
      return conversationPage(ctx.index, params.uri, start, count, filter, await viewOptions(ctx, params.uri)) ?? null;
    }, null),
  );
}

/** The severities the editor shows for the document's flags: the settings' overrides, with the reviewers' demotions. */
async function viewOptions(ctx: ServerContext, uri: string): Promise<ViewOptions> {
  const settings = await ctx.settings(uri);
  return { severityOverrides: ctx.reviewers.overrides(settings.severityOverrides) };
}
