/**
 * Timings the server keeps per document (the last open, edit and diagnostics pull), answered to the
 * `constitutionLens/stats` request so that a bench can tell the server's own time from the transport's.
 */
import type { Connection } from 'vscode-languageserver';
import { statsRequest, type DocumentStats, type StatsParams, type StatsResult } from '../protocol.ts';

const byUri = new Map<string, DocumentStats>();

/** Records timings of a document, merged into what is kept for it. */
export function recordStats(uri: string, stats: DocumentStats): void {
  byUri.set(uri, { ...byUri.get(uri), ...stats });
}

/** Forgets a closed document's timings. */
export function forgetStats(uri: string): void {
  byUri.delete(uri);
}

export function registerStatsRequest(connection: Connection): void {
  connection.onRequest(statsRequest, (params: StatsParams): StatsResult => byUri.get(params.uri) ?? {});
}
