/**
 * "Indexing 1,200 of 3,006 files": work-done progress while the server first reads the workspace, so
 * that a person knows why workspace-wide answers wait. Reports at most every 100 ms, and the last one.
 */
import type { Connection } from 'vscode-languageserver';

export interface IndexingProgress {
  report(done: number, total: number): void;
  done(): void;
}

/** A progress shown by the client, or one that shows nothing where the client cannot show it. */
export async function indexingProgress(connection: Connection, intervalMs = 100): Promise<IndexingProgress> {
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  if (!progress) return { report: () => undefined, done: () => undefined };
  progress.begin('Constitution Lens', 0, 'Indexing the workspace', false);
  let last = 0;
  const counted = new Intl.NumberFormat('en');
  return {
    report(done, total) {
      const now = Date.now();
      if (done < total && now - last < intervalMs) return;
      last = now;
      progress.report(Math.floor((100 * done) / Math.max(1, total)), `Indexing ${counted.format(done)} of ${counted.format(total)} files`);
    },
    done: () => progress.done(),
  };
}
