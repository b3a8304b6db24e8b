/**
 * The extension's entry: starts the language server, registers the commands, the status bar item
 * and the critique panel. Everything else lives in the server or in client/src's own modules.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { constitutionsRequest, evalSampleScheme, serverNodeOptions, type ConstitutionInfo, type ConstitutionsResult } from '@lens/protocol';
import { registerAgreementPanel } from './agreement/agreementPanel.ts';
import { registerCritique } from './critique/index.ts';
import { registerEvalLogs } from './evalLogs.ts';
import { registerPreview } from './preview/previewPanel.ts';
import { registerReviewCommands } from './reviews.ts';
import { StatusItem } from './statusItem.ts';

/** What `activate` returns: the running client and test hooks, for the end-to-end tests. */
export interface ConstitutionLensApi {
  readonly client: LanguageClient;
  readonly critique: ReturnType<typeof registerCritique>;
  constitutions(): Promise<ConstitutionInfo[]>;
}

const watchedFiles = '**/*.{md,yaml,yml,json,jsonl,transcript,txt,prompty,eval}';

export async function activate(context: vscode.ExtensionContext): Promise<ConstitutionLensApi> {
  const log = vscode.window.createOutputChannel('Constitution Lens', { log: true });
  context.subscriptions.push(log);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...serverNodeOptions] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...serverNodeOptions, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'transcript' },
      { language: 'transcript-markdown' },
      { language: 'prompty' },
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonl' },
      { scheme: 'file', pattern: '**/*.{jsonl,transcript,transcript.txt,prompt.txt,prompt.md}' },
      { scheme: 'untitled', language: 'transcript' },
      { scheme: evalSampleScheme },
    ],
    synchronize: {
      configurationSection: 'constitutionLens',
      fileEvents: vscode.workspace.createFileSystemWatcher(watchedFiles),
    },
    diagnosticPullOptions: { onChange: true, onSave: true },
    initializationOptions: {
      starterConstitution: context.asAbsolutePath('constitutions/starter.constitution.md'),
    },
    outputChannel: log,
  };
  const client = new LanguageClient('constitutionLens', 'Constitution Lens', serverOptions, clientOptions);
  context.subscriptions.push(client);

  const constitutions = async (): Promise<ConstitutionInfo[]> => {
    try {
      return await client.sendRequest<ConstitutionsResult>(constitutionsRequest);
    } catch (error) {
      log.error(`Could not read the constitutions from the server: ${String(error)}`);
      return [];
    }
  };

  registerReviewCommands(context, client, log);
  registerAgreementPanel(context, client);
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  registerEvalLogs(context, client, started, log);
  registerPreview(context, client, started, log);
  const status = new StatusItem(constitutions);
  context.subscriptions.push(status);
  const critique = registerCritique(context, {
    log,
    findConstitutions: async () => (await constitutions()).map((c) => ({ ...c.constitution, uri: vscode.Uri.parse(c.uri) })),
  });

  await client.start();
  ready();
  log.info('Constitution Lens language server started.');
  status.refresh();
  return { client, critique, constitutions };
}

export function deactivate(): void {}
