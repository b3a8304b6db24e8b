/** Answers the reading view: one entry of a transcript as conversations, and a dataset's rows a page at a time. */
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { conversationPage, entryView } from '../core/features/conversationView.ts';
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
    ctx.runSafe('conversationView', token, (): ConversationViewResult => {
      if (typeof params?.uri !== 'string') return null;
      const entry = Number.isInteger(params.entry) && (params.entry ?? 0) >= 0 ? params.entry : undefined;
      return entryView(ctx.index, params.uri, entry) ?? null;
    }, null),
  );
  connection.onRequest<ConversationListResult, void>(conversationListRequest, (params: ConversationListParams, token: CancellationToken) =>
    ctx.runSafe('conversationList', token, (): ConversationListResult => {
      if (typeof params?.uri !== 'string') return null;
      const start = Number.isInteger(params.start) && params.start >= 0 ? params.start : 0;
      const count = Number.isInteger(params.count) ? Math.min(Math.max(params.count, 1), maxPage) : 100;
      return conversationPage(ctx.index, params.uri, start, count, typeof params.text === 'string' && params.text.trim() !== '' ? { text: params.text } : {}) ?? null;
    }, null),
  );
}
