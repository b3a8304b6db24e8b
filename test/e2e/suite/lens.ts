/** Access to the extension under test and its language client, for tests in the extension host. */
import * as vscode from 'vscode';
import type { ServerCapabilities } from 'vscode-languageclient';

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

/**
 * The running language client. The extension hands it out from `activate()`; a missing one fails
 * the test, since every test that asks for it would otherwise pass without checking anything.
 */
export async function runningClient(): Promise<LensClient> {
  const client = (await activeApi())?.client;
  if (!client) throw new Error('The extension does not export its language client from activate().');
  if (!client.isRunning()) throw new Error('The language client is not running.');
  return client;
}

/** The running client, once it is known that the server advertises `capability`; fails otherwise. */
export async function requireCapability(capability: keyof ServerCapabilities): Promise<LensClient> {
  const client = await runningClient();
  const capabilities = client.initializeResult?.capabilities;
  if (!capabilities?.[capability]) throw new Error(`The server does not advertise ${capability} in its initialize result.`);
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
