/** The Constitution Lens language server: `node dist/server.js --stdio`. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/startServer.ts';

startServer(createConnection(ProposedFeatures.all));
