/**
 * A small LSP client for server tests: starts the real language server (`node dist/server.js --stdio`,
 * built by `npm run build`) and speaks JSON-RPC to it over stdio, answering the requests a real
 * client answers (configuration, capability registration, diagnostic refresh).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serverNodeOptions } from '../../server/src/protocol.ts';
import { builtFile } from './dist.ts';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  Diagnostic,
  FileEvent,
  InitializeResult,
  Position,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';

export const serverPath = builtFile('server.js');

/**
 * One file's report in a workspace pull: `full` with its diagnostics, or `unchanged` (no `items`)
 * when the client named the result id the server would send again.
 */
export interface WorkspaceReport {
  readonly kind: 'full' | 'unchanged';
  readonly uri: string;
  readonly resultId?: string;
  readonly items: Diagnostic[];
}

export interface TestServerOptions {
  /** The workspace folder (a path); none when absent. */
  readonly root?: string;
  /** Settings under `constitutionLens`, answered to `workspace/configuration`. */
  readonly settings?: Record<string, unknown>;
  /** Other sections' values (`files.exclude`, `search.exclude`), answered to `workspace/configuration`. */
  readonly sections?: Record<string, unknown>;
  readonly starterConstitution?: string;
  /** The first pull's time budget for a large document (the server's `diagnosticsBudgetMs`). */
  readonly diagnosticsBudgetMs?: number;
  /** Whether the client shows work-done progress that the server starts (`window.workDoneProgress`). */
  readonly workDoneProgress?: boolean;
  /** Whether `start` waits for the server to have read the workspace (default true). */
  readonly waitForIndex?: boolean;
}

export class TestServer {
  readonly #process: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly logs: string[] = [];
  /** The `$/progress` notifications the server sent, in order. */
  readonly progress: Array<{ token: unknown; value: { kind: string; title?: string; message?: string; percentage?: number } }> = [];
  readonly #versions = new Map<string, number>();
  /** Per partial result token of a pending request, what takes its parts. */
  readonly #partials = new Map<string, (value: unknown) => void>();
  #nextPartial = 0;
  #refreshes = 0;
  readonly #refreshWaiters: (() => void)[] = [];
  settings: Record<string, unknown>;
  sections: Record<string, unknown>;
  /** The scope of each request for the `constitutionLens` settings the server made, in order. */
  readonly settingsScopes: (string | undefined)[] = [];
  initializeResult!: InitializeResult;
  /** Settles when the server process ends, with its exit code (or the signal that ended it). */
  readonly exited: Promise<number | string | null>;

  private constructor(options: TestServerOptions) {
    this.settings = options.settings ?? {};
    this.sections = options.sections ?? {};
    this.#process = spawn(process.execPath, [...serverNodeOptions, serverPath, '--stdio'], { stdio: 'pipe' });
    this.#process.stderr.on('data', (d: Buffer) => this.logs.push(d.toString()));
    this.exited = new Promise((resolve) => this.#process.on('exit', (code, signal) => resolve(code ?? signal)));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.#process.stdout),
      new StreamMessageWriter(this.#process.stdin),
    );
    this.connection.onRequest('workspace/configuration', (params: unknown) =>
      (params as { items: { section?: string; scopeUri?: string }[] }).items.map((i) => {
        if (i.section !== 'constitutionLens') return this.sections[i.section ?? ''] ?? null;
        this.settingsScopes.push(i.scopeUri);
        return this.settings;
      }),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.#refreshes++;
      for (const w of this.#refreshWaiters.splice(0)) w();
      return null;
    });
    this.connection.onRequest('workspace/codeLens/refresh', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (p: TestServer['progress'][number]) => {
      const partial = this.#partials.get(String(p.token));
      if (partial) partial(p.value);
      else this.progress.push(p);
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.listen();
  }

  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const server = new TestServer(options);
    const rootUri = options.root ? pathToFileURL(resolve(options.root)).toString() : null;
    server.initializeResult = await server.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      initializationOptions: {
        starterConstitution: options.starterConstitution ?? resolve('constitutions', 'starter.constitution.md'),
        diagnosticsBudgetMs: options.diagnosticsBudgetMs,
        stats: true,
      },
      capabilities: {
        ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
        workspace: {
          configuration: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          diagnostics: { refreshSupport: true },
          workspaceEdit: { documentChanges: true },
        },
        textDocument: {
          diagnostic: { dynamicRegistration: false, relatedDocumentSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          rename: { prepareSupport: true },
          completion: { completionItem: { snippetSupport: false } },
        },
      },
    });
    const indexed = server.waitForRefresh();
    await server.connection.sendNotification('initialized', {});
    if (rootUri && options.waitForIndex !== false) await indexed;
    return server;
  }

  /** Resolves at the next `workspace/diagnostic/refresh` the server sends. */
  waitForRefresh(): Promise<void> {
    return new Promise((resolve) => this.#refreshWaiters.push(resolve));
  }

  /** The server process's id, for a bench that reads its memory. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  get refreshCount(): number {
    return this.#refreshes;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async open(uri: string, text: string, languageId = 'plaintext'): Promise<void> {
    this.#versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Opens a file from disk under its file URI. */
  async openFile(path: string, languageId = 'plaintext'): Promise<string> {
    const uri = pathToFileURL(resolve(path)).toString();
    await this.open(uri, readFileSync(path, 'utf8'), languageId);
    return uri;
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.#versions.get(uri) ?? 1) + 1;
    this.#versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await this.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    return report.items;
  }

  /**
   * The workspace's diagnostics. As VS Code does, the request asks for partial results, and the
   * parts (`parts` counts them, `partSizes` gets each part's files and diagnostics) come before the
   * reply; `partial: false` asks for one reply. `previous` names the result ids the client holds, as
   * VS Code names those of its last pull; a report the server finds unchanged has no `items`.
   */
  async workspaceDiagnostics(
    options: {
      readonly partial?: boolean;
      readonly parts?: number[];
      readonly partSizes?: { files: number; diagnostics: number }[];
      readonly previous?: readonly { uri: string; value: string }[];
    } = {},
  ): Promise<WorkspaceReport[]> {
    type Reports = { items: WorkspaceReport[] };
    const previousResultIds = options.previous ?? [];
    if (options.partial === false) return (await this.request<Reports>('workspace/diagnostic', { previousResultIds })).items;
    const token = `workspace-diagnostics-${this.#nextPartial++}`;
    const items: Reports['items'] = [];
    let parts = 0;
    this.#partials.set(token, (value) => {
      parts++;
      const part = (value as Reports).items;
      options.partSizes?.push({ files: part.length, diagnostics: part.reduce((n, r) => n + (r.items?.length ?? 0), 0) });
      for (const item of part) items.push(item);
    });
    try {
      const report = await this.request<Reports>('workspace/diagnostic', { previousResultIds, partialResultToken: token });
      for (const item of report.items) items.push(item);
    } finally {
      this.#partials.delete(token);
    }
    options.parts?.push(parts);
    return items;
  }

  hover(uri: string, position: Position): Promise<{ contents: { kind: string; value: string }; range?: unknown } | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; it is killed below either way.
    }
    this.connection.dispose();
    this.#process.kill();
  }
}

/** Splits `text` at its `|` cursor marker: the text without it and the marker's position. */
export function cursor(text: string): { text: string; position: Position; offset: number } {
  const offset = text.indexOf('|');
  if (offset < 0) throw new Error('No | cursor marker in the text.');
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  return { text: text.slice(0, offset) + text.slice(offset + 1), position: { line, character }, offset };
}
