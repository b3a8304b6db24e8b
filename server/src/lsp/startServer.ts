/**
 * Wires every feature of the language server to a connection: the document store and the workspace
 * index, settings, the files on disk, and each feature's registration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import type { Constitution } from '../core/constitution/model.ts';
import { isConstitutionFileName } from '../core/constitution/parse.ts';
import { isPackFileName } from '../core/packs/pack.ts';
import { bundledPackFiles } from '../packFiles.ts';
import type { ModelFileRead } from '../core/detectors/types.ts';
import { readModelFiles } from '../modelFiles.ts';
import { isTranscriptFileName } from '../core/transcript/parse.ts';
import { WorkspaceIndex, type FileReader } from '../core/workspace/index.ts';
import { decodeText } from '../core/text.ts';
import { registerCodeActionSupport } from './codeActions.ts';
import { registerCodeLensSupport } from './codeLens.ts';
import { registerCompletionSupport } from './completion.ts';
import { registerAgreementRequest } from './agreement.ts';
import { ReviewerAgreement } from './reviewerAgreement.ts';
import { registerConstitutionsRequest } from './constitutions.ts';
import { registerConversationViewSupport } from './conversationView.ts';
import { registerDiagnosticsSupport } from './diagnostics.ts';
import { OpenDocuments } from './documents.ts';
import { registerHoverSupport } from './hover.ts';
import { registerNavigationSupport } from './navigation.ts';
import { registerRenameSupport } from './rename.ts';
import { runSafe } from './runner.ts';
import { defaultSettings, SettingsCache, type Settings } from './settings.ts';
import type { ServerContext } from './serverContext.ts';
import { registerStatsRequest } from './stats.ts';
import { registerSymbolSupport } from './symbols.ts';
import { indexingProgress } from './indexingProgress.ts';
import { applyFileEvents, fileLines, listFolder, loadFiles } from './workspaceFiles.ts';
import { FolderExclusions } from './folderExclusions.ts';
import { EvalFiles } from './evalFiles.ts';

/** Options the client may pass in `initializationOptions`. */
export interface InitializationOptions {
  /** Path of the bundled starter constitution; by default found beside the server bundle. */
  readonly starterConstitution?: string;
  /**
   * Milliseconds the first pull of a large document's diagnostics may take (by default 150); the
   * rest follows with a refresh. Tests set 0 to see the first answer hold just the first line's.
   */
  readonly diagnosticsBudgetMs?: number;
  /** Whether the server keeps timings per document and answers `constitutionLens/stats` (for benches and tests). */
  readonly stats?: boolean;
}

/** See {@link InitializationOptions.diagnosticsBudgetMs}. */
const defaultDiagnosticsBudgetMs = 150;

export function startServer(connection: Connection): void {
  const log = (message: string) => connection.console.log(message);
  const documents = new OpenDocuments();
  let folders: WorkspaceFolder[] = [];
  let settingsCache: SettingsCache | undefined;
  let globalSettings: Settings = defaultSettings;
  let constitutionGlobs: (path: string) => boolean = () => false;
  let index: WorkspaceIndex | undefined;
  let refreshSupported = false;
  let diagnosticsBudgetMs: number | undefined;
  let watchRegistration = false;
  let refreshPending = false;
  let configurationSupported = false;
  /** What the walk leaves out of each workspace folder, in the order of `folders`. */
  let exclusions: FolderExclusions[] = [];

  const isConstitution = (uri: string) => isConstitutionFileName(uri) || constitutionGlobs(uri);
  const relevant = (uri: string) => isConstitution(uri) || isPackFileName(uri) || isTranscriptFileName(uri) || /\.(?:md|markdown)$/i.test(uri);

  let markIndexed: () => void = () => undefined;
  const indexed = new Promise<void>((resolve) => (markIndexed = resolve));

  const reviewers = new ReviewerAgreement(
    () => index!,
    () => settingsCache?.get(folders[0]?.uri) ?? Promise.resolve(defaultSettings),
    () => refreshDiagnostics(),
    log,
  );

  // One context for every feature; the index exists from `initialize` on, before any request.
  const ctx: ServerContext = {
    indexed,
    reviewers,
    get index() {
      return index!;
    },
    documents,
    log,
    runSafe: (name, token, fn, fallback) => runSafe(log, name, token, fn, fallback),
    refreshDiagnostics,
    get diagnosticsBudgetMs() {
      return diagnosticsBudgetMs;
    },
    settings: (uri) => settingsCache?.get(uri) ?? Promise.resolve(defaultSettings),
  };

  const evalFiles = new EvalFiles(ctx);

  function refreshDiagnostics(): void {
    if (!refreshSupported || refreshPending) return;
    refreshPending = true;
    setImmediate(() => {
      refreshPending = false;
      connection.languages.diagnostics.refresh().catch((error: unknown) => log(`diagnostic refresh failed: ${error}`));
    });
  }

  connection.onInitialize((params: InitializeParams) => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    const caps = params.capabilities;
    refreshSupported = caps.workspace?.diagnostics?.refreshSupport === true;
    const budget = options.diagnosticsBudgetMs;
    diagnosticsBudgetMs = !refreshSupported ? undefined : typeof budget === 'number' && budget >= 0 ? budget : defaultDiagnosticsBudgetMs;
    watchRegistration = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    configurationSupported = caps.workspace?.configuration === true;
    if (options.stats === true) registerStatsRequest(connection);
    settingsCache = new SettingsCache(connection, configurationSupported, (uri) => folderOf(uri, folders) ?? uri);
    const starter = loadStarter(options, log);
    index = new WorkspaceIndex({ starter, isConstitution, bundledPacks: starter ? bundledPacks(starter.path, log) : [], models: modelFilesOf, reader: diskReader });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['[', '#'], resolveProvider: false },
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentLinkProvider: { resolveProvider: false },
        diagnosticProvider: { identifier: 'constitution-lens', interFileDependencies: true, workspaceDiagnostics: true },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'constitution-lens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (settingsCache) {
      connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
    }
    if (watchRegistration) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{md,yaml,yml,json,jsonl,transcript,txt,prompty,eval}' }, { globPattern: '**/.gitignore' }],
        })
        .catch(() => undefined);
    }
    await loadSettings();
    const started = Date.now();
    const progress = await indexingProgress(connection);
    const count = await readFolders(progress.report);
    progress.done();
    log(`Indexed ${count} files in ${Date.now() - started} ms.`);
    markIndexed();
    reviewers.schedule();
    // Compiling the detectors is the one cost every first check pays; paid now, while the editor is
    // still opening, it does not come out of the first pull's time budget.
    ctx.index.ruleset();
    refreshDiagnostics();
  });

  async function loadSettings(): Promise<void> {
    settingsCache?.clear();
    globalSettings = (await settingsCache?.get(folders[0]?.uri)) ?? defaultSettings;
    const globs = globalSettings.constitutions;
    constitutionGlobs = globs.length === 0 ? () => false : matcher(globs, folders);
    ctx.index.setDisabledPacks(new Set(Object.entries(globalSettings.packs).filter(([, on]) => !on).map(([name]) => name)));
  }

  /**
   * Walks the workspace folders and reads what the walk finds into the index; a file that the index
   * held from disk and the walk no longer finds (a setting or a `.gitignore` now leaves it out) is
   * forgotten, unless it is open. Gives how many files were read.
   */
  async function readFolders(progress?: (done: number, total: number) => void): Promise<number> {
    exclusions = await Promise.all(folders.map(async (folder) => FolderExclusions.of(folder.uri, await excludeSettings(folder.uri))));
    const uris: string[] = [];
    for (let i = 0; i < folders.length; i++) uris.push(...(await listFolder(folders[i].uri, relevant, log, evalFiles, exclusions[i])));
    const listed = new Set(uris);
    for (const file of ctx.index.files()) if (file.uri.startsWith('file:') && !listed.has(file.uri)) ctx.index.remove(file.uri, 'disk');
    for (const evalLog of evalFiles.logs()) if (!listed.has(evalLog)) evalFiles.remove(evalLog);
    return loadFiles(uris, ctx.index, globalSettings.maxIndexedFileSize, log, evalFiles, progress);
  }

  /** A folder's `files.exclude` and `search.exclude`, or none where the client cannot be asked. */
  async function excludeSettings(folderUri: string): Promise<unknown[]> {
    if (!configurationSupported) return [];
    return connection.workspace
      .getConfiguration([
        { scopeUri: folderUri, section: 'files.exclude' },
        { scopeUri: folderUri, section: 'search.exclude' },
      ])
      .then(
        (values: unknown) => (Array.isArray(values) ? values : []),
        () => [],
      );
  }

  /** Whether the walk leaves out the file at `uri` (the folder that holds it says so). */
  async function excluded(uri: string): Promise<boolean> {
    if (!uri.startsWith('file:')) return false;
    const path = fileURLToPath(uri);
    for (const folder of exclusions) if (await folder.excludes(path)) return true;
    return false;
  }

  connection.onDidChangeConfiguration(async () => {
    await loadSettings();
    await readFolders();
    ctx.index.reclassify();
    refreshDiagnostics();
    reviewers.schedule();
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    if (changes.some((e) => isIgnoreFile(e.uri))) {
      // What the walk leaves out has changed: the workspace is walked again, as after a setting.
      await readFolders();
      refreshDiagnostics();
      reviewers.schedule();
      return;
    }
    await applyFileEvents(changes, ctx.index, relevant, globalSettings.maxIndexedFileSize, log, evalFiles, excluded);
    const models = changes.some((e) => e.uri.endsWith('.model.json'));
    if (models) ctx.index.modelsChanged();
    if (models || changes.some((e) => isConstitution(e.uri) || isPackFileName(e.uri) || EvalFiles.handles(e.uri))) refreshDiagnostics();
    reviewers.schedule();
  });

  documents.listen(connection, {
    opened: (d) => {
      if (!relevant(d.uri) && !isJsonLanguage(d.languageId)) return;
      index?.upsert(d.uri, d.content, d.version, 'open');
      if (isConstitution(d.uri)) refreshDiagnostics();
      reviewers.schedule();
    },
    changed: (d) => {
      if (!index?.get(d.uri)) return;
      index.upsert(d.uri, d.content, d.version, 'open');
      if (isConstitution(d.uri)) refreshDiagnostics();
      reviewers.schedule();
    },
    closed: (uri) => {
      index?.close(uri);
      if (isConstitution(uri)) refreshDiagnostics();
      reviewers.schedule();
    },
  });

  registerDiagnosticsSupport(connection, ctx);
  registerHoverSupport(connection, ctx);
  registerNavigationSupport(connection, ctx);
  registerRenameSupport(connection, ctx);
  registerCompletionSupport(connection, ctx);
  registerCodeLensSupport(connection, ctx);
  registerCodeActionSupport(connection, ctx);
  registerSymbolSupport(connection, ctx);
  registerConstitutionsRequest(connection, ctx);
  registerAgreementRequest(connection, ctx);
  registerConversationViewSupport(connection, ctx);
  evalFiles.register(connection);

  connection.listen();
}

/** The workspace folder that holds `uri` (the innermost, when folders nest), or undefined. */
function folderOf(uri: string, folders: readonly WorkspaceFolder[]): string | undefined {
  let best: string | undefined;
  for (const folder of folders) {
    const root = folder.uri.endsWith('/') ? folder.uri : `${folder.uri}/`;
    if ((uri.startsWith(root) || uri === folder.uri) && (best === undefined || folder.uri.length > best.length)) best = folder.uri;
  }
  return best;
}

function isIgnoreFile(uri: string): boolean {
  return uri.endsWith('/.gitignore');
}

function isJsonLanguage(languageId: string): boolean {
  return languageId === 'json' || languageId === 'jsonl' || languageId === 'jsonc';
}

function matcher(globs: readonly string[], folders: readonly WorkspaceFolder[]): (uri: string) => boolean {
  const isMatch = picomatch(globs as string[], { dot: true });
  return (uri) => {
    const path = uri.startsWith('file:') ? decodeURIComponent(new URL(uri).pathname) : uri;
    for (const folder of folders) {
      const root = decodeURIComponent(new URL(folder.uri).pathname).replace(/\/?$/, '/');
      if (path.startsWith(root) && isMatch(path.slice(root.length))) return true;
    }
    return isMatch(path);
  };
}

function bundledPacks(starterPath: string, log: (m: string) => void): { uri: string; text: string }[] {
  try {
    return bundledPackFiles(starterPath);
  } catch (error) {
    log(`Cannot read the bundled rule packs: ${(error as Error).message}`);
    return [];
  }
}

/**
 * Reads a transcript of the workspace again from disk, so that the index need not keep every
 * file's text: a file that can no longer be read reads as empty until the watcher's event for it.
 */
const diskReader: FileReader = {
  canRead: (uri) => uri.startsWith('file:'),
  read: (uri) => {
    try {
      const path = fileURLToPath(uri);
      return decodeText(readFileSync(path), path);
    } catch {
      return undefined;
    }
  },
  lines: (uri) => {
    try {
      return fileLines(fileURLToPath(uri));
    } catch {
      return undefined;
    }
  },
};

/** The model files of a constitution on disk; a constitution that is not a file has none to read. */
function modelFilesOf(uri: string, constitution: Constitution): Record<string, ModelFileRead> | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return readModelFiles(fileURLToPath(uri), constitution);
  } catch {
    // Unread, the learned detectors say that their model is missing; the others still run.
    return undefined;
  }
}

function loadStarter(options: InitializationOptions, log: (m: string) => void): { uri: string; text: string; path: string } | undefined {
  const candidates = [
    options.starterConstitution,
    resolve(__dirname, '..', 'constitutions', 'starter.constitution.md'),
  ].filter((p): p is string => typeof p === 'string');
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      return { uri: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8'), path };
    } catch (error) {
      log(`Cannot read the starter constitution at ${path}: ${(error as Error).message}`);
    }
  }
  log('The starter constitution was not found; workspaces without a constitution get no flags.');
  return undefined;
}

