/** The status bar item: the constitution in force and the number of flags in the workspace. */
import * as vscode from 'vscode';
import { countFindings, type ConstitutionInfo } from '@lens/protocol';

export class StatusItem implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem('constitutionLens.status', vscode.StatusBarAlignment.Left, 50);
  readonly #subscriptions: vscode.Disposable[] = [];
  readonly #constitutions: () => Promise<ConstitutionInfo[]>;
  #names = '';

  constructor(constitutions: () => Promise<ConstitutionInfo[]>) {
    this.#constitutions = constitutions;
    this.#item.name = 'Constitution Lens';
    this.#item.command = 'workbench.actions.view.problems';
    this.#subscriptions.push(
      // The server indexes the workspace after it starts and pulls diagnostics when it is done, so a
      // change of diagnostics is also when the constitutions in force may have changed.
      vscode.languages.onDidChangeDiagnostics(() => {
        this.#render();
        this.#scheduleRefresh();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (/\.constitution\.(md|ya?ml|json)$/.test(d.fileName)) this.refresh();
      }),
    );
  }

  /** Asks the server again which constitutions are in force. */
  refresh(): void {
    void this.#constitutions().then((list) => {
      this.#names = list.map((c) => (c.starter ? `${c.name} (starter)` : c.name)).join(', ');
      this.#render();
    });
  }

  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  #scheduleRefresh(): void {
    if (this.#refreshTimer) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      this.refresh();
    }, 300);
  }

  #render(): void {
    let flags = 0;
    // A file's report over the editor's limit holds a notice that counts the flags it left out.
    for (const [, diagnostics] of vscode.languages.getDiagnostics()) flags += countFindings(diagnostics);
    this.#item.text = `$(law) ${this.#names || 'no constitution'} · ${flags} flag${flags === 1 ? '' : 's'}`;
    this.#item.tooltip = `Constitution Lens: ${this.#names || 'no constitution loaded'}. ${flags} flagged turns. Click for the Problems panel.`;
    this.#item.show();
  }

  dispose(): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#item.dispose();
    for (const s of this.#subscriptions) s.dispose();
  }
}
