/**
 * The page every webview of the extension is: a default-deny content security policy, its style sheet
 * from `media/`, its bundled script from `dist/media/` by a nonce from `crypto`, and a root element the
 * script renders into.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  readonly title: string;
  /** The style sheet's file name in `media/`. */
  readonly css: string;
  /** The script's file name in `dist/media/`. */
  readonly script: string;
  /** The root element, shown until the script renders. */
  readonly root: string;
}

export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(18).toString('base64');
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.css));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', page.script));
  const csp = `default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; img-src ${webview.cspSource} data:; script-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${css}">
<title>${page.title}</title>
</head>
<body>
${page.root}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
