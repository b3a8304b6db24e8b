/**
 * The critique panel: one webview beside the editor that shows a critique as it streams, its findings
 * grouped by principle, and the revision as a diff with the actions that apply, copy or re-run it.
 *
 * The extension owns the panel's state and sends it whole when something structural changes (and
 * only the streamed text in between); the webview renders it and keeps a copy with `setState`, which
 * the serializer hands back after a window reload.
 */
import * as vscode from 'vscode';
import { webviewPage } from '../webviewPage.ts';
import { parseFromWebview, type FromWebview, type PanelState, type ToWebview } from '../webviewMessages.ts';

export const critiquePanelViewType = 'constitutionLens.critique';

/** The webview options every critique panel is created or restored with. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
}

/** The page of the panel: a default-deny policy, the stylesheet from `media/`, the script by nonce. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, {
    title: 'Critique',
    css: 'panel.css',
    script: 'panel.js',
    root: '<main id="root" aria-live="polite"><p class="muted">Waiting for a critique…</p></main>',
  });
}

/** One live critique panel. */
export class CritiquePanel implements vscode.Disposable {
  readonly #panel: vscode.WebviewPanel;
  readonly #disposables: vscode.Disposable[] = [];
  #state: PanelState | undefined;
  #ready = false;
  #disposed = false;

  /**
   * Wraps a panel, new or restored. `restored` is the state the webview saved before a reload, which
   * the panel shows again until a new critique replaces it.
   */
  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, onMessage: (message: FromWebview, panel: CritiquePanel) => void, onDispose: () => void, restored?: PanelState) {
    this.#panel = panel;
    this.#state = restored;
    panel.webview.options = panelOptions(extensionUri);
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    this.#disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (!message) return;
        if (message.type === 'ready') {
          this.#ready = true;
          if (this.#state) this.#post({ type: 'state', state: this.#state });
        }
        onMessage(message, this);
      }),
      panel.onDidDispose(() => {
        this.#disposed = true;
        for (const d of this.#disposables) d.dispose();
        onDispose();
      }),
    );
  }

  get state(): PanelState | undefined {
    return this.#state;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  get webviewPanel(): vscode.WebviewPanel {
    return this.#panel;
  }

  reveal(): void {
    this.#panel.reveal(vscode.ViewColumn.Beside, true);
  }

  setState(state: PanelState): void {
    this.#state = state;
    this.#panel.title = `Critique: ${state.subject}`;
    this.#post({ type: 'state', state });
  }

  /** Streamed text; the state already holds it, so a webview that was not ready loses nothing. */
  progress(runId: number, delta: string): void {
    this.#post({ type: 'progress', runId, delta });
  }

  #post(message: ToWebview): void {
    if (this.#ready && !this.#disposed) void this.#panel.webview.postMessage(message);
  }

  dispose(): void {
    this.#panel.dispose();
  }
}
