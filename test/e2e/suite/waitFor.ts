/** Event-driven waits with a deadline, for tests in the extension host. */
import * as vscode from 'vscode';

/**
 * Resolves with the first truthy value of `probe`, checked now and again each time `event` fires;
 * rejects with `what` once `timeoutMs` pass without one.
 */
export function waitFor<T>(
  what: string,
  event: vscode.Event<unknown>,
  probe: () => T | undefined | false | null,
  timeoutMs = 15_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const first = probe();
    if (first) {
      resolve(first);
      return;
    }
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`));
    }, timeoutMs);
    const subscription = event(() => {
      const value = probe();
      if (value) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(value);
      }
    });
  });
}

/** Waits until the diagnostics of `uri` satisfy `accept`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 15_000,
): Promise<readonly vscode.Diagnostic[]> {
  return waitFor(
    `diagnostics of ${uri.path}`,
    vscode.languages.onDidChangeDiagnostics,
    () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      return accept(diagnostics) ? diagnostics : undefined;
    },
    timeoutMs,
  );
}

