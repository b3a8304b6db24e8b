/**
 * "Open Preview" and "Open Preview to the Side": a transcript, prompt file or dataset read as
 * conversations in a webview, flags highlighted on their words. The server builds what is shown
 * (`conversationView`, `conversationList`); this host asks for it again as the source changes, keeps
 * the view and the source editor scrolled together, and runs the view's actions as the same commands
 * and edits the text editor offers.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  conversationListRequest,
  conversationViewRequest,
  type ConversationListParams,
  type ConversationListResult,
  type ConversationViewParams,
  type ConversationViewResult,
  type EntryView,
  type LabelTurnArgs,
  type MarkReviewedArgs,
  evalSampleScheme,
} from '@lens/protocol';
import type { LabelChoice } from '../reviews.ts';
import { webviewPage } from '../webviewPage.ts';
import { isPreviewState, parseFromPreview, type FromPreview, type PreviewRange, type ToPreview } from './previewMessages.ts';

/** The view type of the reading view's panels, which the serializer and the activation event name. */
export const previewViewType = 'constitutionLens.preview';

/** The rows of a dataset's first page, which the list shows at once, and of each page after it. */
const firstPage = 60;
const laterPage = 1000;
/** How long the view waits after a change of the source before it asks again. */
const followDelayMs = 250;
/** How long a scroll made by one side is not echoed back by the other. */
const echoMs = 400;

/** What the preview commands return, for the tests: the panel's document and the entry it shows. */
export interface PreviewHandle {
  readonly uri: string;
  readonly shown: () => EntryView | undefined;
}

/** Registers the commands and the serializer that brings a preview back after a window reload. */
export function registerPreview(context: vscode.ExtensionContext, client: LanguageClient, started: Promise<void>, log: vscode.LogOutputChannel): void {
  const panels = new Map<string, PreviewPanel>();
  const adopt = (panel: vscode.WebviewPanel, uri: vscode.Uri, entry: number | undefined) => {
    const preview = new PreviewPanel(panel, context.extensionUri, client, started, log, uri, entry, () => panels.delete(uri.toString()));
    panels.set(uri.toString(), preview);
    return preview;
  };
  const open = async (given: unknown, toSide: boolean): Promise<PreviewHandle | undefined> => {
    const uri = given instanceof vscode.Uri ? given : typeof given === 'string' ? vscode.Uri.parse(given) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Open a transcript, a prompt file or a dataset, then run “Open Preview” again.');
      return undefined;
    }
    const column = toSide ? vscode.ViewColumn.Beside : (vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.Active);
    const existing = panels.get(uri.toString());
    if (existing) {
      existing.reveal(column, toSide);
      return existing.handle;
    }
    const panel = vscode.window.createWebviewPanel(previewViewType, title(uri), { viewColumn: column, preserveFocus: toSide }, options(context.extensionUri));
    return adopt(panel, uri, undefined).handle;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('constitutionLens.openPreview', (uri?: unknown) => open(uri, false)),
    vscode.commands.registerCommand('constitutionLens.openPreviewToSide', (uri?: unknown) => open(uri, true)),
    vscode.window.registerWebviewPanelSerializer(previewViewType, {
      deserializeWebviewPanel: async (panel, saved) => {
        if (!isPreviewState(saved)) {
          panel.dispose();
          return;
        }
        adopt(panel, vscode.Uri.parse(saved.uri), saved.entry);
      },
    }),
  );
}

function title(uri: vscode.Uri): string {
  return `Preview ${uri.path.slice(uri.path.lastIndexOf('/') + 1)}`;
}

function options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
}

/** The document's name as the workspace shows it; a sample of an `.eval` log by the log's path and its entry. */
function displayName(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri.scheme === evalSampleScheme ? vscode.Uri.file(uri.path) : uri, false);
}

/** The document's diagnostics in a few words: their count and each one's place, code and severity. */
function diagnosticsSignature(uri: vscode.Uri): string {
  return vscode.languages
    .getDiagnostics(uri)
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(typeof d.code === 'object' ? d.code.value : d.code)} ${d.severity}`)
    .join('\n');
}

const toRange = (r: PreviewRange) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

class PreviewPanel {
  readonly #panel: vscode.WebviewPanel;
  readonly #client: LanguageClient;
  readonly #started: Promise<void>;
  readonly #log: vscode.LogOutputChannel;
  readonly #uri: vscode.Uri;
  readonly #disposables: vscode.Disposable[] = [];
  /** The entry shown; undefined until the server has chosen the first. */
  #entry: number | undefined;
  #view: EntryView | undefined;
  #search = '';
  #ready = false;
  /** Bumped whenever the rows are read again, so that a stream of pages for an older text stops. */
  #rowsGeneration = 0;
  #followTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the document's diagnostics were when last looked at. */
  #diagnostics = '';
  /** Bumped by every request for an entry, so that an answer overtaken by a later request is dropped. */
  #entryRequest = 0;
  /** Until when the editor's scrolling is taken as the echo of the view's, and not sent back. */
  #quietUntil = 0;
  readonly handle: PreviewHandle;

  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, client: LanguageClient, started: Promise<void>, log: vscode.LogOutputChannel, uri: vscode.Uri, entry: number | undefined, onDispose: () => void) {
    this.#panel = panel;
    this.#client = client;
    this.#started = started;
    this.#log = log;
    this.#uri = uri;
    this.#entry = entry;
    this.handle = { uri: uri.toString(), shown: () => this.#view };
    panel.title = title(uri);
    panel.webview.options = options(extensionUri);
    panel.webview.html = webviewPage(panel.webview, extensionUri, { title: 'Preview', css: 'preview.css', script: 'preview.js', root: '<main id="root"><p class="muted">Reading…</p></main>' });
    this.#disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromPreview(raw);
        if (message) void this.#receive(message).catch((e: unknown) => this.#log.error('The preview could not do that', e));
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.#uri.toString() && e.contentChanges.length > 0) this.#follow();
      }),
      // Flags also change when a constitution or a setting does; the document's diagnostics say so. The
      // editor reports them again unchanged at times (a pull answers what it answered before), which is no reason to read again.
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.toString() === this.#uri.toString())) return;
        const signature = diagnosticsSignature(this.#uri);
        if (signature === this.#diagnostics) return;
        this.#diagnostics = signature;
        this.#follow();
      }),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.#editorScrolled(e)),
    );
    panel.onDidDispose(() => {
      // A stream of pages still being read stops at its next page.
      this.#ready = false;
      clearTimeout(this.#followTimer);
      for (const d of this.#disposables) d.dispose();
      onDispose();
    });
  }

  reveal(column: vscode.ViewColumn, preserveFocus: boolean): void {
    this.#panel.reveal(column, preserveFocus);
  }

  async #receive(message: FromPreview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.#ready = true;
        await this.#refresh(true);
        return;
      case 'openEntry':
        this.#entry = message.entry;
        await this.#showEntry();
        return;
      case 'search':
        this.#search = message.text;
        await this.#streamRows();
        return;
      case 'reveal':
        await this.#revealSource(message.range, message.select);
        return;
      case 'openClause':
        await vscode.window.showTextDocument(vscode.Uri.parse(message.uri), { selection: toRange(message.range), viewColumn: await this.#sourceColumn() });
        return;
      case 'act':
        await this.#act(message);
        return;
    }
  }

  /** Asks again for the entry shown and, in a dataset, for the rows, once the source has been still a moment. */
  #follow(): void {
    if (!this.#ready) return;
    clearTimeout(this.#followTimer);
    this.#followTimer = setTimeout(() => void this.#refresh(false), followDelayMs);
  }

  async #refresh(first: boolean): Promise<void> {
    await this.#showEntry();
    if (this.#view?.dataset) await this.#streamRows();
    else if (first) this.#post({ type: 'rows', page: { uri: this.#uri.toString(), version: this.#view?.version ?? 0, dataset: false, start: 0, rows: [] }, reset: true, done: true });
  }

  async #showEntry(): Promise<void> {
    const request = ++this.#entryRequest;
    let view: ConversationViewResult;
    try {
      // The server reads what the editor has open; a preview restored after a reload opens its document first.
      await vscode.workspace.openTextDocument(this.#uri);
      await this.#started;
      const params: ConversationViewParams = { uri: this.#uri.toString(), ...(this.#entry !== undefined ? { entry: this.#entry } : {}) };
      view = await this.#client.sendRequest<ConversationViewResult>(conversationViewRequest, params);
    } catch (error) {
      this.#post({ type: 'problem', message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    if (request !== this.#entryRequest) return;
    if (!view) {
      this.#post({ type: 'problem', message: 'This file is not read as a transcript, so there is no conversation to show.' });
      return;
    }
    this.#view = view;
    this.#entry = view.entry;
    this.#post({ type: 'entry', name: displayName(this.#uri), view });
  }

  /** Reads a dataset's rows page by page, the first small so that it shows at once, until the end or a newer read. */
  async #streamRows(): Promise<void> {
    const generation = ++this.#rowsGeneration;
    let start: number | undefined = 0;
    let reset = true;
    while (start !== undefined && generation === this.#rowsGeneration && this.#ready) {
      const params: ConversationListParams = { uri: this.#uri.toString(), start, count: reset ? firstPage : laterPage, ...(this.#search ? { text: this.#search } : {}) };
      const page: ConversationListResult = await this.#client.sendRequest<ConversationListResult>(conversationListRequest, params);
      if (generation !== this.#rowsGeneration) return;
      if (!page) return;
      start = page.next;
      this.#post({ type: 'rows', page, reset, done: start === undefined });
      reset = false;
    }
  }

  #post(message: ToPreview): void {
    if (this.#ready) void this.#panel.webview.postMessage(message);
  }

  /** The column of the source's editor: where it is visible, else the first other than the preview's. */
  async #sourceColumn(): Promise<vscode.ViewColumn> {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.#uri.toString());
    if (visible?.viewColumn) return visible.viewColumn;
    return this.#panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }

  async #revealSource(range: PreviewRange, select: boolean): Promise<void> {
    const r = toRange(range);
    if (select) {
      await vscode.window.showTextDocument(this.#uri, { selection: r, viewColumn: await this.#sourceColumn(), preserveFocus: false });
      return;
    }
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.#uri.toString());
    if (!editor) return;
    this.#quietUntil = Date.now() + echoMs;
    editor.revealRange(r, vscode.TextEditorRevealType.AtTop);
  }

  /** The source editor scrolled: the view shows the turn (in a dataset, the conversation) at the top of it. */
  #editorScrolled(e: vscode.TextEditorVisibleRangesChangeEvent): void {
    if (e.textEditor.document.uri.toString() !== this.#uri.toString() || e.visibleRanges.length === 0) return;
    if (Date.now() < this.#quietUntil) return;
    this.#post({ type: 'sourceAt', line: e.visibleRanges[0].start.line });
  }

  /** The view's actions, as the text editor runs them: the same commands, the same edits, one undo each. */
  async #act(message: Extract<FromPreview, { type: 'act' }>): Promise<void> {
    const uri = this.#uri.toString();
    const at = { uri, conversation: message.conversation, turn: message.turn };
    switch (message.action) {
      case 'agree':
      case 'disagree': {
        const args: LabelTurnArgs = at;
        const choice: LabelChoice = { clause: message.flag!.cite, verdict: message.action === 'agree' ? 'violates' : 'complies', rule: message.flag!.rule };
        await vscode.commands.executeCommand('constitutionLens.labelTurn', args, choice);
        return;
      }
      case 'review': {
        const args: MarkReviewedArgs = { ...at, rule: message.flag!.rule };
        await vscode.commands.executeCommand('constitutionLens.markReviewed', args);
        return;
      }
      case 'label':
        await vscode.commands.executeCommand('constitutionLens.labelTurn', at satisfies LabelTurnArgs);
        return;
      case 'cite':
      case 'critique': {
        // Both work at the cursor of the text editor, as they do from the palette.
        const start = toRange(message.range).start;
        await vscode.window.showTextDocument(this.#uri, { selection: new vscode.Range(start, start), viewColumn: await this.#sourceColumn(), preserveFocus: false });
        await vscode.commands.executeCommand(message.action === 'cite' ? 'constitutionLens.annotateTurn' : 'constitutionLens.critiqueTurn');
        return;
      }
    }
  }
}
