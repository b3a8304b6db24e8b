/**
 * The model's findings as diagnostics on the turns they critique, beside the detectors' own. Each
 * critiqued turn keeps its own set, so critiquing one turn leaves the others' findings in place. The
 * ranges are offsets of the text as it was critiqued, so an edit of the document clears its sets; the
 * cache brings them back when the same text is opened again.
 */
import * as vscode from 'vscode';
import type { PanelFinding } from '../webviewMessages.ts';

export const critiqueDiagnosticSource = 'Constitution Lens (model)';

const severities = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

export class CritiqueDiagnostics implements vscode.Disposable {
  readonly #collection = vscode.languages.createDiagnosticCollection('constitution-lens-critique');
  readonly #byDocument = new Map<string, Map<string, vscode.Diagnostic[]>>();
  readonly #subscription: vscode.Disposable;

  constructor() {
    this.#subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.clear(e.document.uri);
    });
  }

  /** Replaces the findings of one turn (`turnKey`) of a document. */
  set(document: vscode.TextDocument, turnKey: string, findings: readonly PanelFinding[]): void {
    const key = document.uri.toString();
    let turns = this.#byDocument.get(key);
    if (!turns) this.#byDocument.set(key, (turns = new Map()));
    turns.set(
      turnKey,
      findings.map((f) => {
        const range = new vscode.Range(document.positionAt(f.span.start), document.positionAt(f.span.end));
        const title = f.clauseTitle ? ` (${f.clauseTitle})` : '';
        const d = new vscode.Diagnostic(range, `${f.critique}\n[${f.principle}${title}]`, severities[f.severity]);
        d.source = critiqueDiagnosticSource;
        d.code = f.principle;
        return d;
      }),
    );
    this.#collection.set(document.uri, [...turns.values()].flat());
  }

  clear(uri: vscode.Uri): void {
    if (this.#byDocument.delete(uri.toString())) this.#collection.delete(uri);
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.#collection.get(uri) ?? [];
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#collection.dispose();
  }
}

/** The key of one turn's set of findings in a document. */
export function turnKeyOf(conversation: number, turn: number): string {
  return `${conversation}:${turn}`;
}
