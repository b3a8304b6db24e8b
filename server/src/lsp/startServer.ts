import { TextDocumentSyncKind, type Connection } from 'vscode-languageserver';

/** Wires every feature of the language server to a connection and starts listening. */
export function startServer(connection: Connection): void {
  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'constitution-lens' },
  }));
  connection.listen();
}
