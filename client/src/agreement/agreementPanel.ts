/**
 * "Show Agreement": a panel with the detectors measured against the reviewers' labels of the
 * workspace, per clause and per rule, and the disagreements, each a link to its turn. The server
 * measures; the panel only shows, and asks again on "Refresh".
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { agreementRequest, type AgreementResult } from '@lens/protocol';
import { webviewPage } from '../webviewPage.ts';
import { isAgreementState, parseFromAgreementView, type AgreementPlace, type AgreementState, type ToAgreementView } from './messages.ts';

export const agreementPanelViewType = 'constitutionLens.agreement';

function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, { title: 'Agreement', css: 'agreement.css', script: 'agreement.js', root: '<main id="root"><p class="muted">Measuring…</p></main>' });
}

/** Registers the command and the serializer that brings the panel back after a window reload. */
export function registerAgreementPanel(context: vscode.ExtensionContext, client: LanguageClient): void {
  let current: AgreementPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel, state?: AgreementState) => {
    current = new AgreementPanel(panel, context.extensionUri, client, state, () => (current = undefined));
    return current;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('constitutionLens.showAgreement', async (): Promise<AgreementResult | undefined> => {
      const panel =
        current ??
        adopt(
          vscode.window.createWebviewPanel(agreementPanelViewType, 'Agreement with reviewers', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, options(context.extensionUri)),
        );
      panel.reveal();
      return panel.refresh();
    }),
    vscode.window.registerWebviewPanelSerializer(agreementPanelViewType, {
      deserializeWebviewPanel: async (panel, saved) => {
        const restored = adopt(panel, isAgreementState(saved) ? saved : undefined);
        if (!isAgreementState(saved)) await restored.refresh();
      },
    }),
  );
}

function options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')] };
}

class AgreementPanel {
  readonly #panel: vscode.WebviewPanel;
  readonly #client: LanguageClient;
  #state: AgreementState | undefined;
  #ready = false;

  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, client: LanguageClient, restored: AgreementState | undefined, onDispose: () => void) {
    this.#panel = panel;
    this.#client = client;
    this.#state = restored;
    panel.webview.options = options(extensionUri);
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseFromAgreementView(raw);
      if (!message) return;
      if (message.type === 'ready') {
        this.#ready = true;
        this.#post();
      } else if (message.type === 'refresh') void this.refresh();
      else void open(message.place);
    });
    panel.onDidDispose(onDispose);
  }

  reveal(): void {
    this.#panel.reveal(vscode.ViewColumn.Beside, true);
  }

  /** Measures again and shows the result; gives the report, or undefined when the server could not answer. */
  async refresh(): Promise<AgreementResult | undefined> {
    const report = await this.#client.sendRequest<AgreementResult | null>(agreementRequest);
    if (!report) {
      void vscode.window.showWarningMessage('Agreement could not be measured; the Constitution Lens output channel says why.');
      return undefined;
    }
    const names: Record<string, string> = {};
    for (const place of [...report.disagreements, ...report.unmatched]) names[place.label.uri] ??= vscode.workspace.asRelativePath(vscode.Uri.parse(place.label.uri));
    this.#state = { report, madeAt: new Date().toISOString(), names };
    this.#post();
    return report;
  }

  #post(): void {
    if (!this.#ready || !this.#state) return;
    const message: ToAgreementView = { type: 'state', state: this.#state };
    void this.#panel.webview.postMessage(message);
  }
}

async function open(place: AgreementPlace): Promise<void> {
  const { start, end } = place.range;
  const selection = new vscode.Range(start.line, start.character, end.line, end.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(place.uri), { selection, viewColumn: vscode.ViewColumn.One });
}
