/**
 * The language server on a large dataset: time to first diagnostics of a 20 MB JSONL opened in the
 * editor, time until all of its diagnostics are in, and time to refreshed diagnostics after a
 * one-character edit (only the edited line is parsed and checked again). Figures are round trips
 * over stdio to the real server, so they include the transport; the reference is a round trip of a
 * request that does no work, in the same run. The server's own time comes from its
 * `constitutionLens/stats` request, plus the serialisation of the diagnostics report (measured here
 * on the report the server sent, as the transport does it: `JSON.stringify`, then UTF-8 encoding,
 * since both happen in the transport, outside the server's stats), and the split of a whole check
 * into parse, check and the rest from the same core run in this process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileDiagnostics } from '../server/src/core/features/fileDiagnostics.ts';
import { LineText } from '../server/src/core/lineText.ts';
import { WorkspaceIndex } from '../server/src/core/workspace/index.ts';
import { statsRequest, type StatsResult } from '../server/src/protocol.ts';
import { TestServer } from '../test/support/lspClient.ts';
import { corpusJsonl } from './dataset.ts';
import { median } from './stats.ts';

const target = 20 * 1024 * 1024;

function splitFirst(text: string, uri: string): { parseMs: number; checkMs: number; diagnosticsMs: number } {
  const index = new WorkspaceIndex({ starter: { uri: pathToFileURL(resolve('constitutions', 'starter.constitution.md')).toString(), text: readFileSync(resolve('constitutions', 'starter.constitution.md'), 'utf8') } });
  index.ruleset();
  const t0 = performance.now();
  // As the server's open documents hand the text over: split into its lines.
  index.upsert(uri, LineText.of(text), 1, 'open');
  index.transcriptProblems(uri);
  void index.get(uri)?.lines;
  const t1 = performance.now();
  index.findings(uri);
  const t2 = performance.now();
  fileDiagnostics(index, uri);
  const t3 = performance.now();
  return { parseMs: t1 - t0, checkMs: t2 - t1, diagnosticsMs: t3 - t2 };
}

/** Milliseconds to serialise a diagnostics report holding `items` as the transport does: `JSON.stringify`, then UTF-8. */
function serialiseMs(items: unknown[]): number {
  const t = performance.now();
  Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { kind: 'full', items } }), 'utf8');
  return performance.now() - t;
}

/** Round trips of a request that does no work (diagnostics of a file the server does not hold): the reference for the server's figures. */
export async function noopRoundTrips(server: TestServer, rounds = 20): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await server.request('textDocument/diagnostic', { textDocument: { uri: 'file:///nothing.jsonl' } });
    times.push(performance.now() - t);
  }
  return times;
}

/** What a bench on the server's dataset starts from: the dataset read, and a server started beside it. */
export interface DatasetRun {
  readonly uri: string;
  readonly text: string;
  readonly server: TestServer;
  /** {@link noopRoundTrips} of that server, the reference for the bench's figures. */
  readonly noop: number[];
}

/**
 * The 20 MB dataset (built from the dev corpus when absent; undefined without the corpus), read, and
 * a server started with its no-op round trips measured: the start of the server and preview benches.
 * The caller stops the server.
 */
export async function startOnDataset(suite: string): Promise<DatasetRun | undefined> {
  const path = await corpusJsonl('server-20mb.jsonl', target, suite);
  if (!path) return undefined;
  const text = readFileSync(path, 'utf8');
  const server = await TestServer.start({});
  try {
    return { uri: pathToFileURL(path).toString(), text, server, noop: await noopRoundTrips(server) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export async function run(): Promise<void> {
  const started = await startOnDataset('server');
  if (!started) return;
  const { uri, text, server, noop } = started;
  try {
    const t0 = performance.now();
    await server.open(uri, text, 'jsonl');
    const first = await server.diagnostics(uri);
    const firstMs = performance.now() - t0;
    const firstStats = await server.request<StatsResult>(statsRequest, { uri });
    const firstSerialiseMs = serialiseMs(first);
    // The rest of the file is checked between requests; the server then asks for a pull again.
    let all = first;
    let allStats = firstStats;
    while (!allStats.diagnosticsComplete) {
      await server.waitForRefresh();
      all = await server.diagnostics(uri);
      allStats = await server.request<StatsResult>(statsRequest, { uri });
    }
    const allMs = performance.now() - t0;
    const lines = text.split('\n');
    const editLine = Math.floor(lines.length / 2);
    const edits: number[] = [];
    const serverEdits: number[] = [];
    const documentUpdates: number[] = [];
    const serverDiagnostics: number[] = [];
    const serialisations: number[] = [];
    for (let i = 0; i < 10; i++) {
      const character = lines[editLine].indexOf('"content":') + 12;
      const t = performance.now();
      await server.change(uri, [
        i % 2 === 0
          ? { range: { start: { line: editLine, character }, end: { line: editLine, character } }, text: 'x' }
          : { range: { start: { line: editLine, character }, end: { line: editLine, character: character + 1 } }, text: '' },
      ]);
      const report = await server.diagnostics(uri);
      edits.push(performance.now() - t);
      const stats = await server.request<StatsResult>(statsRequest, { uri });
      const serialise = serialiseMs(report);
      serialisations.push(serialise);
      serverEdits.push((stats.changeMs ?? NaN) + (stats.diagnosticsMs ?? NaN) + serialise);
      documentUpdates.push(stats.documentUpdateMs ?? NaN);
      serverDiagnostics.push(stats.diagnosticsMs ?? NaN);
    }
    const split = splitFirst(text, uri);
    const firstServer = (firstStats.openMs ?? NaN) + (firstStats.diagnosticsMs ?? NaN) + firstSerialiseMs;
    const reference = median(noop);
    const lastLine = (items: typeof first) => Math.max(-1, ...items.map((d) => d.range.start.line)) + 1;
    console.log(
      `dataset: ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB, ${lines.length} lines, ${allStats.diagnosticsFound} diagnostics ` +
        `(the report holds the ${all.length} the editor shows: the most severe, then one that counts the rest)`,
    );
    console.log(
      `first diagnostics after open: ${firstMs.toFixed(0)} ms, ${first.length} diagnostics of the first ${lastLine(first)} lines ` +
        `(target 300 ms; includes sending 20 MB over stdio; complete: ${firstStats.diagnosticsComplete})`,
    );
    console.log(
      `  of which in the server: ${firstServer.toFixed(0)} ms (target 300 ms; didOpen ${firstStats.openMs?.toFixed(0)} ms, diagnostics ${firstStats.diagnosticsMs?.toFixed(0)} ms, ` +
        `serialising the report ${firstSerialiseMs.toFixed(1)} ms); ` +
        `transport and client: ${(firstMs - firstServer).toFixed(0)} ms`,
    );
    console.log(
      `all diagnostics in: ${allMs.toFixed(0)} ms after open; the server checked the rest in ${allStats.finishMs?.toFixed(0)} ms of work ` +
        `over ${allStats.finishedAfterMs?.toFixed(0)} ms, between other requests`,
    );
    console.log(
      `  the same core in this process: split into lines and parse ${split.parseMs.toFixed(0)} ms, check ${split.checkMs.toFixed(0)} ms, ` +
        `diagnostics from the results ${split.diagnosticsMs.toFixed(0)} ms`,
    );
    console.log(
      `diagnostics after a one-character edit: median ${median(edits).toFixed(1)} ms, max ${Math.max(...edits).toFixed(1)} ms ` +
        `(target 10 ms of server time); an empty request's round trip: ${reference.toFixed(2)} ms; ` +
        `ratio ${(median(edits) / reference).toFixed(1)}x`,
    );
    console.log(
      `  server time per edit: median ${median(serverEdits).toFixed(1)} ms, max ${Math.max(...serverEdits).toFixed(1)} ms ` +
        `(applying the edit to the document's text: median ${median(documentUpdates).toFixed(1)} ms; ` +
        `diagnostics: median ${median(serverDiagnostics).toFixed(1)} ms, max ${Math.max(...serverDiagnostics).toFixed(1)} ms; ` +
        `serialising the report of ${all.length} diagnostics: median ${median(serialisations).toFixed(1)} ms)`,
    );
  } finally {
    await server.stop();
  }
}

if (process.argv[1]?.endsWith('server.ts')) void run();
