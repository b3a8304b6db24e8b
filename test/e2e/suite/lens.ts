/** Access to the extension under test and its language client, for tests in the extension host. */
import * as vscode from 'vscode';
import type { ServerCapabilities } from 'vscode-languageclient';
import type { TestContext } from './harness.ts';

/** The extension's id, `publisher.name` of package.json. */
export const extensionId = 'constitution-lens.constitution-lens';

/** The part of the language client the tests look at. */
export interface LensClient {
  isRunning(): boolean;
  initializeResult: { capabilities: ServerCapabilities } | undefined;
}

/** What the extension's `activate` returns. */
export interface LensApi {
  client?: LensClient;
}

/** The extension under test; throws when VS Code does not know it. */
export function lensExtension(): vscode.Extension<LensApi | undefined> {
  const extension = vscode.extensions.getExtension<LensApi | undefined>(extensionId);
  if (!extension) throw new Error(`VS Code does not list the extension ${extensionId}.`);
  return extension;
}

/** Resolves with the extension's API once it is active. */
export async function activeApi(): Promise<LensApi | undefined> {
  // activate() returns the activation already under way, which workspaceContains started.
  return lensExtension().activate();
}

/** The running language client, or a skipped test while the extension does not export it. */
export async function runningClient(t: TestContext): Promise<LensClient> {
  const client = (await activeApi())?.client;
  if (!client) t.skip('the extension does not export its language client from activate() yet');
  if (!client.isRunning()) throw new Error('The language client is not running.');
  return client;
}

/** Skips the test until the server advertises `capability` in its initialize result. */
export async function requireCapability(t: TestContext, capability: keyof ServerCapabilities): Promise<LensClient> {
  const client = await runningClient(t);
  const capabilities = client.initializeResult?.capabilities;
  if (!capabilities?.[capability]) t.skip(`the server does not advertise ${capability} yet`);
  return client;
}

/** The example workspace's folder. */
export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('No folder is open.');
  return folder.uri;
}

/** Opens a file of the example workspace in an editor. */
export async function openExample(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), name));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The position just after the first occurrence of `needle` in the document, plus `delta` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" is not in ${document.uri.path}.`);
  return document.positionAt(offset + delta);
}
