/**
 * The critique commands of the editor: "Critique Turn", "Critique Selection", "Critique Prompt",
 * "Critique Transcript", "Critique Dataset", "Annotate Turn…", and the API key commands; the panel
 * they fill; the diagnostics their findings become.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  parseConstitution,
  turnText,
  parseTranscript,
  capitalised,
  conversationName,
  turnName,
  type Constitution,
  type Conversation,
  type Turn,
} from '@lens/core';
import { critiqueTurn, FileCritiqueCache, cacheKeyOf, editorWording, type CritiqueError, type CritiqueRequest } from '@lens/critique';
import { isPanelState, PanelAction, PanelPhase, type FromWebview, type PanelError, type PanelState } from '../webviewMessages.ts';
import { annotateTurn } from './annotate.ts';
import { ApiKeyStore } from './apiKey.ts';
import { CritiqueDiagnostics, turnKeyOf } from './critiqueDiagnostics.ts';
import { wordDiff } from './diff.ts';
import { placeFindings } from './findings.ts';
import { panelStep } from './panelEvents.ts';
import { critiquePanelViewType, CritiquePanel, panelOptions } from './panel.ts';
import { isJsonFile } from './noteEdit.ts';
import { revisionReplacements, staleReason, textBlockSpans } from './revisionEdit.ts';
import { critiqueSettings } from './critiqueSettings.ts';
import { promptTurn, selectedTurn, turnAt } from './turnAtCursor.ts';
import { ManyTurns } from './manyTurns.ts';

/** A constitution found in the workspace; with its file, a click on a principle opens the clause. */
export type FoundConstitution = Constitution & { readonly uri?: vscode.Uri };

export interface CritiqueDeps {
  readonly log: vscode.LogOutputChannel;
  findConstitutions(): Promise<readonly FoundConstitution[]>;
}

/** What `registerCritique` hands back: hooks the end-to-end tests wait on. */
export interface CritiqueApi {
  /** Fires with every new state of the panel, streamed text included. */
  readonly onDidChangePanelState: vscode.Event<PanelState>;
  /** The current panel state, if a panel is open. */
  readonly panelState: () => PanelState | undefined;
  /** The model's diagnostics on a document. */
  readonly diagnostics: (uri: vscode.Uri) => readonly vscode.Diagnostic[];
  /** Acts on a message as if the panel's webview had sent it (a click on "Apply Revision", ...). */
  readonly handleMessage: (message: FromWebview) => Promise<void>;
}

/** The turns that "Critique Turn" has critiqued per document, so that reopening shows them from the cache. */
const critiquedKey = 'constitutionLens.critiquedTurns';
const constitutionChoiceKey = 'constitutionLens.critiqueConstitution';

interface CritiquedTurn {
  readonly conversation: number;
  readonly turn: number;
  readonly constitution: string;
}

interface Target {
  readonly document: vscode.TextDocument;
  readonly conversation: Conversation;
  readonly turn: Turn;
  readonly subject: string;
  readonly selection?: { start: number; end: number };
}

/** Registers the critique commands, the panel serializer and the model diagnostics. */
export function registerCritique(context: vscode.ExtensionContext, deps: CritiqueDeps): CritiqueApi {
  const controller = new CritiqueController(context, deps);
  context.subscriptions.push(controller);
  return {
    onDidChangePanelState: controller.onDidChangePanelState,
    panelState: () => controller.panelState,
    diagnostics: (uri) => controller.diagnostics.get(uri),
    handleMessage: (message) => controller.handleMessage(message),
  };
}

class CritiqueController implements vscode.Disposable {
  readonly diagnostics = new CritiqueDiagnostics();
  readonly #context: vscode.ExtensionContext;
  readonly #deps: CritiqueDeps;
  readonly #keys: ApiKeyStore;
  readonly #cache: FileCritiqueCache;
  readonly #states = new vscode.EventEmitter<PanelState>();
  readonly #disposables: vscode.Disposable[] = [];
  readonly #manyTurns: ManyTurns;
  #panel: CritiquePanel | undefined;
  #runs = Date.now();
  #abort: AbortController | undefined;
  /** The run started in this window, whose document version is known; restored panels have none. */
  #live: { runId: number; version: number } | undefined;

  readonly onDidChangePanelState = this.#states.event;

  constructor(context: vscode.ExtensionContext, deps: CritiqueDeps) {
    this.#context = context;
    this.#deps = deps;
    this.#keys = new ApiKeyStore(context.secrets);
    const storage = context.storageUri ?? context.globalStorageUri;
    this.#cache = new FileCritiqueCache(join(storage.fsPath, 'critiques'));
    this.#manyTurns = new ManyTurns({
      context,
      log: deps.log,
      cache: this.#cache,
      keys: this.#keys,
      diagnostics: this.diagnostics,
      pickConstitution: () => this.#pickConstitution(),
      findConstitutions: () => deps.findConstitutions(),
    });
    const command = (id: string, run: (...args: unknown[]) => unknown) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await run(...args);
        } catch (e) {
          deps.log.error(`${id} failed`, e);
          void vscode.window.showErrorMessage(`Constitution Lens: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      });
    this.#disposables.push(
      this.diagnostics,
      this.#states,
      this.#manyTurns,
      command('constitutionLens.critiqueTurn', () => this.#critiqueAtCursor('turn')),
      command('constitutionLens.critiqueSelection', () => this.#critiqueAtCursor('selection')),
      command('constitutionLens.critiquePrompt', () => this.#critiqueAtCursor('prompt')),
      command('constitutionLens.critiqueTranscript', () => this.#manyTurns.critiqueTranscript(vscode.window.activeTextEditor?.document)),
      command('constitutionLens.critiqueDataset', (options?: unknown) =>
        this.#manyTurns.critiqueDataset(vscode.window.activeTextEditor?.document, { confirmed: (options as { confirmed?: unknown } | undefined)?.confirmed === true }),
      ),
      command('constitutionLens.annotateTurn', (id?: unknown) =>
        annotateTurn(vscode.window.activeTextEditor, () => this.#deps.findConstitutions(), typeof id === 'string' ? id : undefined),
      ),
      command('constitutionLens.setApiKey', async (key?: unknown) => {
        if (typeof key === 'string' && key.trim() !== '') await this.#keys.set(key);
        else if (await this.#keys.prompt()) void vscode.window.showInformationMessage('The API key is stored in VS Code’s secret storage.');
      }),
      command('constitutionLens.clearApiKey', async () => {
        await this.#keys.clear();
        void vscode.window.showInformationMessage('The API key was removed from VS Code’s secret storage.');
      }),
      vscode.window.registerWebviewPanelSerializer(critiquePanelViewType, {
        deserializeWebviewPanel: async (panel, saved) => {
          let state = isPanelState(saved) ? saved : undefined;
          if (state?.phase === PanelPhase.streaming) {
            state = { ...state, phase: PanelPhase.error, error: { kind: 'cancelled', message: 'The window reloaded before the critique finished. Re-run it to finish.', action: PanelAction.rerun } };
          }
          this.#adopt(panel, state);
        },
      }),
      vscode.workspace.onDidOpenTextDocument((d) => void this.#showCached(d)),
    );
    for (const d of vscode.workspace.textDocuments) void this.#showCached(d);
    void this.#manyTurns.resumePending();
  }

  get panelState(): PanelState | undefined {
    return this.#panel?.state;
  }

  async #critiqueAtCursor(kind: 'turn' | 'selection' | 'prompt'): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open a transcript or prompt file and put the cursor in a turn, then run the critique again.');
      return;
    }
    const document = editor.document;
    const transcript = parseTranscript(document.getText(), document.fileName);
    const at = kind === 'prompt' ? promptTurn(transcript, document.offsetAt(editor.selection.start)) : turnAt(transcript, document.offsetAt(editor.selection.start));
    if (!at) {
      const what = kind === 'prompt' ? 'No system or developer prompt was found in this file.' : 'The cursor is not in a turn of a transcript.';
      void vscode.window.showInformationMessage(`${what} Put the cursor in a turn and run the critique again.`);
      return;
    }
    let selection: { start: number; end: number } | undefined;
    if (kind === 'selection') {
      if (editor.selection.isEmpty) {
        void vscode.window.showInformationMessage('Select the words of a turn to critique, or use “Critique Turn” for the whole turn.');
        return;
      }
      selection = { start: document.offsetAt(editor.selection.start), end: document.offsetAt(editor.selection.end) };
    }
    await this.#run(this.#target(document, at.conversation, at.turn, selection));
  }

  #target(document: vscode.TextDocument, conversation: Conversation, turn: Turn, selection?: { start: number; end: number }): Target {
    const name = vscode.workspace.asRelativePath(document.uri, false);
    const where = conversation.index > 0 || conversation.span.start > 0 ? `${conversationName(conversation)}, ` : '';
    const subject = `${selection ? `Selection in ${turnName(turn)}` : capitalised(turnName(turn))}, ${where}${name}`;
    return { document, conversation, turn, subject, ...(selection ? { selection } : {}) };
  }

  async #run(target: Target): Promise<void> {
    const constitution = await this.#pickConstitution();
    if (!constitution) return;
    const { document } = target;
    let turn = target.turn;
    if (target.selection) {
      const cut = selectedTurn(turn, target.selection.start, target.selection.end);
      if (!cut) {
        void vscode.window.showInformationMessage('The selection holds none of the turn’s text. Select words of the turn and try again.');
        return;
      }
      turn = cut;
    }
    const conversation: Conversation = target.selection ? { ...target.conversation, turns: target.conversation.turns.map((t) => (t.index === turn.index ? turn : t)) } : target.conversation;
    const settings = critiqueSettings(document.uri);
    const trusted = vscode.workspace.isTrusted;
    const apiKey = trusted ? await this.#keys.get() : undefined;
    const text = document.getText();
    const spans = textBlockSpans(turn.blocks);
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const runId = ++this.#runs;
    this.#live = { runId, version: document.version };

    let state: PanelState = {
      phase: PanelPhase.streaming,
      runId,
      documentUri: document.uri.toString(),
      documentVersion: document.version,
      subject: target.subject,
      conversationIndex: conversation.index,
      turnIndex: turn.index,
      ...(target.selection ? { selection: target.selection } : {}),
      constitutionName: constitution.name,
      model: settings.model,
      progressText: '',
      findings: [],
      dropped: [],
      original: turnText(turn),
      replace: spans.map((span) => ({ span, source: text.slice(span.start, span.end) })),
      jsonEncoded: isJsonFile(text, document.fileName),
    };
    const panel = this.#ensurePanel();
    const update = (next: PanelState) => {
      state = next;
      if (this.#panel === panel && !panel.disposed && panel.state?.runId !== undefined && panel.state.runId > runId) return;
      panel.setState(state);
      this.#states.fire(state);
    };
    update(state);
    panel.reveal();

    const request: CritiqueRequest = {
      model: settings.model,
      maxTokens: settings.maxTokens,
      constitution,
      conversation,
      turnIndex: conversation.turns.indexOf(turn),
      documentText: text,
    };
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Critiquing…' }, () =>
      critiqueTurn(request, {
        apiKey,
        baseURL: settings.baseUrl,
        signal: abort.signal,
        cache: this.#cache,
        wording: editorWording,
        onEvent: (event) => {
          if (abort.signal.aborted && event.type !== 'error') return;
          const step = panelStep(state, event, turn, constitution);
          if (step.log) this.#deps.log.info(step.log);
          if (step.message?.type === 'progress') {
            state = step.state;
            panel.progress(runId, step.message.delta);
            this.#states.fire(state);
          } else if (step.message) update(step.state);
        },
      }),
    );
    if (this.#abort === abort) this.#abort = undefined;

    if (!outcome.ok) {
      const error = this.#describe(outcome.error, trusted);
      update({ ...state, phase: PanelPhase.error, error });
      this.#deps.log.warn(`Critique failed (${outcome.error.kind}${outcome.error.status ? ` ${outcome.error.status}` : ''}): ${outcome.error.message}`);
      void this.#offerNextStep(error);
      return;
    }
    const placed = placeFindings(turn, constitution, outcome.result.findings);
    for (const d of outcome.result.dropped) this.#deps.log.info(`Dropped a finding for ${d.finding.principle}: ${d.reason}`);
    update({
      ...state,
      phase: PanelPhase.done,
      model: outcome.result.model,
      findings: placed.findings,
      dropped: [...placed.dropped, ...outcome.result.dropped.map((d) => ({ principle: d.finding.principle, quote: d.finding.quote, reason: d.reason }))],
      revision: outcome.result.revision,
      diff: wordDiff(state.original, outcome.result.revision.replace(/\s+$/, '')),
      cached: outcome.result.cached,
    });
    if (document.version === state.documentVersion) {
      this.diagnostics.set(document, turnKeyOf(conversation.index, turn.index), placed.findings);
      if (!target.selection) await this.#remember(document.uri, { conversation: conversation.index, turn: turn.index, constitution: constitution.name });
    }
  }

  /** The panel's wording of a fault, and the one action that comes next. */
  #describe(error: CritiqueError, trusted: boolean): PanelError {
    if (!trusted && error.kind === 'no-key') {
      return { kind: 'untrusted', message: 'This workspace is not trusted, so nothing was sent to a model. Trust the workspace to run critiques.' };
    }
    if (error.kind === 'no-key' || error.kind === 'auth') return { kind: error.kind, message: error.message, action: PanelAction.setApiKey };
    if (error.kind === 'cancelled' || error.kind === 'bad-request') return { kind: error.kind, message: error.message };
    return { kind: error.kind, message: error.message, action: PanelAction.rerun };
  }

  async #offerNextStep(error: PanelError): Promise<void> {
    if (error.kind === 'cancelled') return;
    if (error.kind === 'untrusted') {
      const pick = await vscode.window.showInformationMessage(error.message, 'Manage Workspace Trust');
      if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    const button = error.action === PanelAction.setApiKey ? 'Set API Key' : error.action === PanelAction.rerun ? 'Re-run' : undefined;
    const pick = await (button ? vscode.window.showWarningMessage(error.message, button) : vscode.window.showWarningMessage(error.message));
    if (pick === 'Set API Key') await this.#setKeyThenRerun();
    else if (pick === 'Re-run') await this.#rerun();
  }

  async #setKeyThenRerun(): Promise<void> {
    if (await this.#keys.prompt()) await this.#rerun();
  }

  #ensurePanel(): CritiquePanel {
    if (this.#panel && !this.#panel.disposed) return this.#panel;
    const panel = vscode.window.createWebviewPanel(critiquePanelViewType, 'Critique', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, panelOptions(this.#context.extensionUri));
    return this.#adopt(panel, undefined);
  }

  #adopt(webviewPanel: vscode.WebviewPanel, restored: PanelState | undefined): CritiquePanel {
    const panel = new CritiquePanel(
      webviewPanel,
      this.#context.extensionUri,
      (message) => void this.handleMessage(message),
      () => {
        if (this.#panel === panel) this.#panel = undefined;
      },
      restored,
    );
    this.#panel?.dispose();
    this.#panel = panel;
    return panel;
  }

  async handleMessage(message: FromWebview): Promise<void> {
    const state = this.#panel?.state;
    try {
      switch (message.type) {
        case 'ready':
          return;
        case 'cancel':
          this.#abort?.abort();
          return;
        case 'rerun':
          return await this.#rerun();
        case 'action':
          return message.action === PanelAction.setApiKey ? await this.#setKeyThenRerun() : await this.#rerun();
        case 'copyRevision':
          if (state?.revision) {
            await vscode.env.clipboard.writeText(state.revision);
            this.#notice('The revision is on the clipboard.');
          }
          return;
        case 'applyRevision':
          if (state) await this.#apply(state);
          return;
        case 'revealQuote': {
          const finding = state?.findings[message.index];
          if (state && finding) await this.#reveal(state.documentUri, finding.span.start, finding.span.end);
          return;
        }
        case 'openClause':
          return await this.#openClause(message.principle, state?.constitutionName);
      }
    } catch (e) {
      this.#deps.log.error('The critique panel’s action failed', e);
      this.#notice(`That did not work: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #notice(notice: string): void {
    const panel = this.#panel;
    if (!panel?.state) return;
    const next = { ...panel.state, notice };
    panel.setState(next);
    this.#states.fire(next);
  }

  async #rerun(): Promise<void> {
    const state = this.#panel?.state;
    if (!state) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(state.documentUri));
    const transcript = parseTranscript(document.getText(), document.fileName);
    const conversation = transcript.conversations.find((c) => c.index === state.conversationIndex && c.turns.length > state.turnIndex);
    const turn = conversation?.turns[state.turnIndex];
    if (!conversation || !turn) {
      this.#notice('That turn is no longer in the file. Put the cursor in a turn and run “Critique Turn”.');
      return;
    }
    await this.#run(this.#target(document, conversation, turn, state.selection));
  }

  /**
   * Applies the revision as one edit (one undo step). Refused, with the reason in the panel, when the
   * document changed since the critique started: its version, in this window; the text of the turn,
   * for a panel restored after a reload.
   */
  async #apply(state: PanelState): Promise<void> {
    if (state.revision === undefined || state.phase !== PanelPhase.done) return;
    const uri = vscode.Uri.parse(state.documentUri);
    const document = await vscode.workspace.openTextDocument(uri);
    const live = this.#live?.runId === state.runId;
    const reason =
      live && document.version !== state.documentVersion
        ? 'The file changed since the critique started, so the revision was not applied. Re-run the critique to revise the current text.'
        : staleReason(document.getText(), state.replace);
    if (reason) {
      this.#notice(reason);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const r of revisionReplacements(state.replace.map((x) => x.span), state.revision, state.jsonEncoded)) {
      edit.replace(uri, new vscode.Range(document.positionAt(r.span.start), document.positionAt(r.span.end)), r.newText);
    }
    const ok = await vscode.workspace.applyEdit(edit);
    this.#notice(ok ? 'Revision applied as one edit: Undo in the file restores the original.' : 'VS Code did not apply the edit; the file is unchanged.');
  }

  async #reveal(documentUri: string, start: number, end: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(documentUri));
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const range = new vscode.Range(document.positionAt(start), document.positionAt(end));
    const editor = await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async #openClause(id: string, constitutionName: string | undefined): Promise<void> {
    const all = await this.#deps.findConstitutions();
    const ordered = [...all.filter((c) => c.name === constitutionName), ...all.filter((c) => c.name !== constitutionName)];
    for (const c of ordered) {
      const clause = c.clauses.find((cl) => cl.id === id);
      if (clause && c.uri) {
        const document = await vscode.workspace.openTextDocument(c.uri);
        const at = document.positionAt(clause.headingSpan.start);
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
        return;
      }
    }
    // Without the file of each constitution, the constitution files of the workspace (and the bundled
    // starter) are read again to find the clause, the named constitution first.
    const files = [
      ...(await vscode.workspace.findFiles('**/*.constitution.{md,yaml,yml,json}', '**/node_modules/**', 200)),
      vscode.Uri.joinPath(this.#context.extensionUri, 'constitutions', 'starter.constitution.md'),
    ];
    const found: { uri: vscode.Uri; offset: number; named: boolean }[] = [];
    for (const uri of files) {
      const text = await vscode.workspace.fs.readFile(uri).then((b) => new TextDecoder().decode(b), () => undefined);
      if (text === undefined) continue;
      const parsed = parseConstitution(text, uri.path);
      const clause = parsed.clauses.find((cl) => cl.id === id);
      if (clause) found.push({ uri, offset: clause.headingSpan.start, named: parsed.name === constitutionName });
    }
    const best = found.find((f) => f.named) ?? found[0];
    if (best) {
      const document = await vscode.workspace.openTextDocument(best.uri);
      const at = document.positionAt(best.offset);
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
      return;
    }
    this.#notice(`No clause “${id}” was found in the workspace’s constitutions.`);
  }

  async #pickConstitution(): Promise<Constitution | undefined> {
    const all = (await this.#deps.findConstitutions()).filter((c) => c.clauses.length > 0);
    if (all.length === 0) {
      void vscode.window.showWarningMessage('No constitution with clauses was found, so there is nothing to critique against. Add a *.constitution.md file to the workspace.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const chosen = this.#context.workspaceState.get<string>(constitutionChoiceKey);
    const remembered = all.find((c) => c.name === chosen);
    if (remembered) return remembered;
    const pick = await vscode.window.showQuickPick(
      all.map((c) => ({ label: c.name, description: c.title, detail: `${c.clauses.length} clauses`, constitution: c })),
      { title: 'Critique against which constitution?', matchOnDescription: true },
    );
    if (!pick) return undefined;
    await this.#context.workspaceState.update(constitutionChoiceKey, pick.constitution.name);
    return pick.constitution;
  }

  async #remember(uri: vscode.Uri, entry: CritiquedTurn): Promise<void> {
    const all = { ...this.#context.workspaceState.get<Record<string, CritiquedTurn[]>>(critiquedKey, {}) };
    const list = (all[uri.toString()] ?? []).filter((e) => e.conversation !== entry.conversation || e.turn !== entry.turn);
    all[uri.toString()] = [...list, entry].slice(-200);
    await this.#context.workspaceState.update(critiquedKey, all);
  }

  /** Shows the cached findings of the turns critiqued before in a document that opens; sends nothing. */
  async #showCached(document: vscode.TextDocument): Promise<void> {
    const entries = this.#context.workspaceState.get<Record<string, CritiquedTurn[]>>(critiquedKey, {})[document.uri.toString()];
    if (!entries?.length) return;
    try {
      const constitutions = await this.#deps.findConstitutions();
      const version = document.version;
      const transcript = parseTranscript(document.getText(), document.fileName);
      const settings = critiqueSettings(document.uri);
      for (const entry of entries) {
        const constitution = constitutions.find((c) => c.name === entry.constitution);
        const conversation = transcript.conversations.find((c) => c.index === entry.conversation && c.turns.length > entry.turn);
        const turn = conversation?.turns[entry.turn];
        if (!constitution || !conversation || !turn) continue;
        const key = cacheKeyOf({ model: settings.model, maxTokens: settings.maxTokens, constitution, conversation, turnIndex: entry.turn, documentText: document.getText() });
        const result = key ? await this.#cache.get(key) : undefined;
        if (!result || document.version !== version) continue;
        this.diagnostics.set(document, turnKeyOf(entry.conversation, entry.turn), placeFindings(turn, constitution, result.findings).findings);
      }
    } catch (e) {
      this.#deps.log.warn('Could not show cached critiques', e);
    }
  }

  dispose(): void {
    this.#abort?.abort();
    for (const d of this.#disposables) d.dispose();
  }
}
