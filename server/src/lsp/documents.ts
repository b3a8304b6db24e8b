/**
 * The open documents, kept with incremental sync. Unlike `TextDocuments`, it hands each edit's
 * content changes on to its listener, so the workspace index can re-parse only what an edit touched
 * (the lines of a large JSONL).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { forgetStats, recordStats } from './stats.ts';

export interface DocumentEvents {
  opened(document: TextDocument): void;
  changed(document: TextDocument, changes: readonly TextDocumentContentChangeEvent[]): void;
  closed(uri: string): void;
}

export class OpenDocuments {
  readonly #documents = new Map<string, TextDocument>();

  get(uri: string): TextDocument | undefined {
    return this.#documents.get(uri);
  }

  all(): TextDocument[] {
    return [...this.#documents.values()];
  }

  listen(connection: Connection, events: DocumentEvents): void {
    connection.onDidOpenTextDocument(({ textDocument: t }) => {
      const started = performance.now();
      const document = TextDocument.create(t.uri, t.languageId, t.version, t.text);
      this.#documents.set(t.uri, document);
      events.opened(document);
      recordStats(t.uri, { openMs: performance.now() - started });
    });
    connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
      const previous = this.#documents.get(t.uri);
      if (!previous) return;
      const started = performance.now();
      const document = TextDocument.update(previous, contentChanges, t.version);
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
