/**
 * Timings the server keeps per document (the last open, edit and diagnostics pull), answered to the
 * `constitutionLens/stats` request so that a bench can tell the server's own time from the transport's.
 * They are kept, and the request answered, only when the client asks for them at initialization
 * (`stats: true`, as the benches and tests do); otherwise recording them does nothing.
 */
import type { Connection } from 'vscode-languageserver';
import { statsRequest, type DocumentStats, type StatsParams, type StatsResult } from '../protocol.ts';

/** The timings kept per document; undefined while nobody asked for them. */
let byUri: Map<string, DocumentStats> | undefined;

/** Records timings of a document, merged into what is kept for it. */
export function recordStats(uri: string, stats: DocumentStats): void {
  byUri?.set(uri, { ...byUri.get(uri), ...stats });
}

/** Forgets a closed document's timings. */
export function forgetStats(uri: string): void {
  byUri?.delete(uri);
}

/** Keeps timings from now on, and answers the request for them. */
export function registerStatsRequest(connection: Connection): void {
  const kept = (byUri = new Map());
  connection.onRequest(statsRequest, (params: StatsParams): StatsResult => kept.get(params.uri) ?? {});
}
