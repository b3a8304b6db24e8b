/** The Anthropic API key, kept in VS Code's SecretStorage and never in settings. */
import * as vscode from 'vscode';

export const apiKeySecret = 'constitutionLens.anthropicApiKey';

export class ApiKeyStore {
  readonly #secrets: vscode.SecretStorage;

  constructor(secrets: vscode.SecretStorage) {
    this.#secrets = secrets;
  }

  async get(): Promise<string | undefined> {
    const key = await this.#secrets.get(apiKeySecret);
    return key?.trim() || undefined;
  }

  /** Asks for a key (masked) and stores it; a cancelled prompt changes nothing. Returns whether one was stored. */
  async prompt(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: 'Anthropic API Key',
      prompt: 'The key is kept in VS Code’s secret storage and sent only to the configured endpoint.',
      password: true,
      ignoreFocusOut: true,
    });
    // An empty answer changes nothing, like Escape; a validator would race a quick Enter and swallow it.
    if (key === undefined || key.trim() === '') return false;
    await this.#secrets.store(apiKeySecret, key.trim());
    return true;
  }

  /** Stores a key given directly (the Set API Key command's optional argument, for scripts and tests). */
  async set(key: string): Promise<void> {
    await this.#secrets.store(apiKeySecret, key.trim());
  }

  async clear(): Promise<void> {
    await this.#secrets.delete(apiKeySecret);
  }
}
