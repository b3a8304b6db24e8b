/**
 * Inspect `.eval` logs in the editor. A log is a zip archive, so it is never shown as text: opening
 * it shows the list of its samples (a read-only custom editor, as the explorer opens images and
 * notebooks with their own views), each with its number of flags, and a sample opens as a
 * read-only JSON document under the `constitution-lens-eval` scheme. Its text comes from the
 * language server, which makes it with the same function as `check` does, so the CLI's ranges
 * and the editor's agree; the client syncs the document to the server like any other, for the same
 * diagnostics, hovers and navigation.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  evalSampleScheme,
  evalSamplesRequest,
  evalSampleTextRequest,
  type EvalSampleInfo,
  type EvalSamplesParams,
  type EvalSamplesResult,
  type EvalSampleTextResult,
} from '@lens/protocol';

/** The custom editor that lists the samples of an `.eval` log. */
export const evalLogViewType = 'constitutionLens.evalLog';

/** Registers the sample views, the log's list of samples, and the commands that open them. */
export function registerEvalLogs(context: vscode.ExtensionContext, client: LanguageClient, started: Promise<void>, log: vscode.LogOutputChannel): void {
  const samplesOf = async (uri: vscode.Uri): Promise<EvalSamplesResult> => {
    await started;
    const params: EvalSamplesParams = { uri: uri.toString() };
    return client.sendRequest<EvalSamplesResult>(evalSamplesRequest, params);
  };
  const openSample = async (uri: string) => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    return vscode.window.showTextDocument(document, { preview: true });
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(evalSampleScheme, {
      async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
        await started;
        const text = await client.sendRequest<EvalSampleTextResult>(evalSampleTextRequest, { uri: uri.toString() });
        if (text === null) log.warn(`No sample at ${uri.toString()}.`);
        return text ?? '// This sample could not be read from its .eval log; the log may have changed or be damaged.\n';
      },
    }),
    vscode.window.registerCustomEditorProvider(evalLogViewType, new SampleList(samplesOf), {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.commands.registerCommand('constitutionLens.openEvalSample', (uri: string) => openSample(uri)),
    vscode.commands.registerCommand('constitutionLens.openEvalSamples', async (given?: vscode.Uri) => {
      const uri = given ?? (await pickLog());
      if (!uri) return undefined;
      const result = await samplesOf(uri);
      if ('error' in result) {
        void vscode.window.showErrorMessage(result.error);
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        result.samples.map((s) => ({ label: sampleLabel(s), description: sampleDetail(s), sample: s })),
        { title: `Samples of ${uri.path.slice(uri.path.lastIndexOf('/') + 1)}`, placeHolder: 'Open a sample' },
      );
      return picked && !picked.sample.error ? openSample(picked.sample.uri) : undefined;
    }),
  );
}

async function pickLog(): Promise<vscode.Uri | undefined> {
  const logs = await vscode.workspace.findFiles('**/*.eval', '**/node_modules/**', 200);
  if (logs.length === 0) {
    void vscode.window.showInformationMessage('No Inspect .eval log in this workspace.');
    return undefined;
  }
  if (logs.length === 1) return logs[0];
  const picked = await vscode.window.showQuickPick(
    logs.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Open the samples of an Inspect log' },
  );
  return picked?.uri;
}

function sampleLabel(s: EvalSampleInfo): string {
  return `Sample ${s.id}, epoch ${s.epoch}`;
}

function sampleDetail(s: EvalSampleInfo): string {
  if (s.error) return `cannot be read: ${s.error}`;
  return s.flags === 1 ? '1 flag' : `${s.flags ?? 0} flags`;
}

/**
 * The list of a log's samples, as a webview without scripts: each sample is a `command:` link that
 * opens its view, so the content security policy allows no script at all.
 */
class SampleList implements vscode.CustomReadonlyEditorProvider {
  readonly #samplesOf: (uri: vscode.Uri) => Promise<EvalSamplesResult>;

  constructor(samplesOf: (uri: vscode.Uri) => Promise<EvalSamplesResult>) {
    this.#samplesOf = samplesOf;
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, enableCommandUris: ['constitutionLens.openEvalSample', 'constitutionLens.openPreview'], localResourceRoots: [] };
    const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
    panel.webview.html = page(name, '<p>Reading the samples…</p>');
    const result = await this.#samplesOf(document.uri);
    if ('error' in result) {
      panel.webview.html = page(name, `<p>${escape(result.error)}</p>`);
      return;
    }
    const rows = result.samples.map((s) => {
      const label = escape(sampleLabel(s));
      const args = encodeURIComponent(JSON.stringify([s.uri]));
      const link = s.error ? label : `<a href="command:constitutionLens.openEvalSample?${args}">${label}</a>`;
      const preview = s.error ? '' : ` · <a href="command:constitutionLens.openPreview?${args}" title="Read the sample as a conversation">preview</a>`;
      return `<li>${link} <span class="detail">· ${escape(sampleDetail(s))}</span>${preview}</li>`;
    });
    const count = `${result.samples.length} ${result.samples.length === 1 ? 'sample' : 'samples'}`;
    panel.webview.html = page(name, `<p>${count}; each opens as a read-only view with its flags, or as a conversation in the preview.</p><ul>${rows.join('')}</ul>`);
  }
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none';">
<title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
