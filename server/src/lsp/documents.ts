/**
 * The open documents, kept with incremental sync. Each document's text is kept as its lines
 * ({@link LineText}), so that an edit of a 20 MB JSONL replaces one line instead of copying the whole
 * text, and the workspace index, which is handed the same lines, re-parses only the lines an edit
 * replaced. The whole text is joined only when a feature asks for all of it.
 */
import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineText } from '../core/lineText.ts';
import { forgetStats, recordStats } from './stats.ts';

/** An open document: what the editor last sent of it. */
export interface OpenDocument {
  readonly uri: string;
  readonly languageId: string;
  readonly version: number;
  readonly content: LineText;
}

export interface DocumentEvents {
  opened(document: OpenDocument): void;
  changed(document: OpenDocument, changes: readonly TextDocumentContentChangeEvent[]): void;
  closed(uri: string): void;
}

export class OpenDocuments {
  readonly #documents = new Map<string, OpenDocument>();

  get(uri: string): OpenDocument | undefined {
    return this.#documents.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.#documents.values()];
  }

  listen(connection: Connection, events: DocumentEvents): void {
    connection.onDidOpenTextDocument(({ textDocument: t }) => {
      const started = performance.now();
      const document: OpenDocument = { uri: t.uri, languageId: t.languageId, version: t.version, content: LineText.of(t.text) };
      this.#documents.set(t.uri, document);
      events.opened(document);
      recordStats(t.uri, { openMs: performance.now() - started });
    });
    connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
      const previous = this.#documents.get(t.uri);
      if (!previous) return;
      const started = performance.now();
      const document: OpenDocument = { ...previous, version: t.version, content: previous.content.applyChanges(contentChanges) };
      const updated = performance.now();
      this.#documents.set(t.uri, document);
      events.changed(document, contentChanges);
      recordStats(t.uri, { changeMs: performance.now() - started, documentUpdateMs: updated - started });
    });
    connection.onDidCloseTextDocument(({ textDocument: t }) => {
      this.#documents.delete(t.uri);
      forgetStats(t.uri);
      events.closed(t.uri);
    });
  }
}
