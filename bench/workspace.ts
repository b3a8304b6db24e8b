/**
 * The language server on a workspace of datasets: its peak memory, beside the data's size, from
 * start until the workspace's diagnostics are complete. Two folders are built in a temporary
 * directory from the dev corpus (read, never copied into the project): eight JSONL datasets of
 * 38 MB each, and 3,000 small transcripts beside five 4 MB JSONL files. Some records carry a
 * reviewer's note that cites a clause of the starter constitution (a few cite no clause), so that
 * citations and their problems are part of the work. The real server is started on each folder
 * over stdio, the workspace's diagnostics are pulled once it has read the folder, and the peak
 * resident memory is the kernel's high-water mark of the server process (`VmHWM`). Targets: at most
 * 400 MB for the 304 MB folder and 150 MB for the 3,000 files. A digest of the diagnostics (paths
 * relative to the folder) tells two builds' answers apart. Then the client pulls again as VS Code
 * does every few seconds, naming the result ids it holds, and the bench waits for the server's
 * background work (the reviewers' agreement, which a pull holds back) to settle, for the peak of
 * the whole run beside the peak until the Problems panel was complete. `BENCH_WORKSPACE` runs only the folder
 * whose name starts with it, `BENCH_SETTINGS` (JSON) gives the server's settings, and
 * `BENCH_WORKSPACE_KEEP=1` keeps the folders and says where they are.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { TestServer } from '../test/support/lspClient.ts';
import { corpusDevPath, corpusRecords } from './dataset.ts';

const MB = 1024 * 1024;

/** Clause ids the notes cite: the starter's, and one that names no clause. */
const cited = ['honesty', 'safety', 'respect', 'helpfulness', 'do-not-moralise', 'honestly'];

/** Record `n` of the corpus, with a note that cites a clause on its last assistant turn when `note` says so. */
function record(records: readonly string[], n: number, note: boolean): string {
  const line = records[n % records.length];
  if (!note) return line;
  try {
    const value = JSON.parse(line) as { messages?: { role?: string; note?: string }[] };
    const turns = value.messages ?? [];
    for (let i = turns.length - 1; i >= 0; i--) {
      if (turns[i].role !== 'assistant') continue;
      turns[i].note = `checked [[${cited[n % cited.length]}]]`;
      return JSON.stringify(value);
    }
  } catch {
    // A record that is not JSON goes in as it is: the server reports it like any broken line.
  }
  return line;
}

/** Writes a JSONL file of at least `bytes` from the corpus, starting at record `from`; one record in 40 carries a note. */
async function writeJsonl(path: string, records: readonly string[], bytes: number, from: number): Promise<void> {
  const out = createWriteStream(path);
  let written = 0;
  for (let n = from; written < bytes; n++) {
    const line = `${record(records, n, n % 40 === 0)}\n`;
    if (!out.write(line)) await once(out, 'drain');
    written += Buffer.byteLength(line);
  }
  out.end();
  await once(out, 'finish');
}

/**
 * A small transcript: one conversation made of the messages of consecutive corpus records, about
 * 5 KB, the size of a support chat; with a note that cites a clause when `note` says so.
 */
function smallTranscript(records: readonly string[], n: number, note: boolean): string {
  const messages: unknown[] = [];
  for (let r = n * 5; JSON.stringify(messages).length < 5000; r++) {
    try {
      const value = JSON.parse(records[r % records.length]) as { messages?: unknown[] };
      if (Array.isArray(value.messages)) messages.push(...value.messages);
    } catch {
      // Records that are not JSON add nothing to a small transcript.
    }
  }
  return record([JSON.stringify({ id: `chat-${n}`, messages })], 0, note);
}

interface Folder {
  readonly name: string;
  readonly build: (root: string, records: readonly string[]) => Promise<void>;
  readonly targetMB: number;
}

const folders: readonly Folder[] = [
  {
    name: '8 JSONL datasets of 38 MB',
    targetMB: 400,
    build: async (root, records) => {
      for (let i = 0; i < 8; i++) await writeJsonl(join(root, `dataset-${i}.jsonl`), records, 38 * MB, i * 997);
    },
  },
  {
    name: '3,000 small transcripts and five 4 MB JSONL files',
    targetMB: 150,
    build: async (root, records) => {
      for (let i = 0; i < 5; i++) await writeJsonl(join(root, `logs-${i}.jsonl`), records, 4 * MB, i * 991);
      for (let f = 0; f < 30; f++) {
        const dir = join(root, `chats-${f}`);
        mkdirSync(dir);
        for (let i = 0; i < 100; i++) {
          const n = f * 100 + i;
          // One small transcript in five cites a clause.
          writeFileSync(join(dir, `chat-${i}.json`), `${smallTranscript(records, n, n % 5 === 0)}\n`);
        }
      }
    },
  },
];

/** The size of the files under `root`, in bytes. */
function folderBytes(root: string): number {
  return Number(execFileSync('du', ['-sb', root], { encoding: 'utf8' }).split('\t')[0]);
}

/** The peak and current resident memory of a process, in MB, from the kernel. */
function memoryOf(pid: number): { peakMB: number; nowMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMB: kb('VmHWM') / 1024, nowMB: kb('VmRSS') / 1024 };
}

/**
 * The peak resident memory of a process once its background work has settled: read until the peak
 * has not moved for a few seconds (at most a minute).
 */
async function settledPeak(pid: number): Promise<number> {
  let peak = memoryOf(pid).peakMB;
  for (let still = 0, waited = 0; still < 4000 && waited < 60_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = memoryOf(pid).peakMB;
    still = now > peak ? 0 : still + 250;
    peak = Math.max(peak, now);
  }
  return peak;
}

function digest(items: readonly { uri: string; items: Diagnostic[] }[], rootUri: string): { files: number; diagnostics: number; sha: string } {
  const sorted = items.map((r) => ({ uri: r.uri.slice(rootUri.length), items: r.items })).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  let diagnostics = 0;
  let files = 0;
  const hash = createHash('sha256');
  for (const r of sorted) {
    if (r.items.length > 0) files++;
    diagnostics += r.items.length;
    hash.update(JSON.stringify(r).replaceAll(rootUri, ''));
    hash.update('\n');
  }
  return { files, diagnostics, sha: hash.digest('hex').slice(0, 16) };
}

export async function run(): Promise<void> {
  const records = corpusRecords();
  if (!records) {
    console.log(`workspace: skipped, the corpus is absent (${corpusDevPath})`);
    return;
  }
  if (process.platform !== 'linux') {
    console.log('workspace: skipped, the peak memory is read from /proc, which this system lacks');
    return;
  }
  const only = process.env.BENCH_WORKSPACE;
  for (const folder of folders) {
    if (only && !folder.name.startsWith(only)) continue;
    const root = mkdtempSync(join(tmpdir(), 'constitution-lens-workspace-'));
    const keep = process.env.BENCH_WORKSPACE_KEEP === '1';
    try {
      await folder.build(root, records);
      const bytes = folderBytes(root);
      const rootUri = `${pathToFileURL(root).toString()}/`;
      const started = performance.now();
      const server = await TestServer.start({ root, ...(process.env.BENCH_SETTINGS ? { settings: JSON.parse(process.env.BENCH_SETTINGS) } : {}) });
      try {
        const indexedMs = performance.now() - started;
        const atIndexed = memoryOf(server.pid!);
        // A server that runs out of memory ends, and its answer never comes: that ends the bench.
        const ended = server.exited.then((code) => Promise.reject(new Error(`the server ended (${code}) before the workspace's diagnostics were complete; its last words: ${server.logs.slice(-3).join(' ')}`)));
        ended.catch(() => undefined);
        const items = await Promise.race([server.workspaceDiagnostics(), ended]);
        const completeMs = performance.now() - started;
        const memory = memoryOf(server.pid!);
        const seen = digest(items, rootUri);
        const ok = memory.peakMB <= folder.targetMB ? 'within' : 'OVER';
        console.log(`${folder.name}: ${(bytes / MB).toFixed(0)} MB of data`);
        console.log(
          `  peak server memory ${memory.peakMB.toFixed(0)} MB (${(memory.peakMB / (bytes / MB)).toFixed(2)} times the data; target ${folder.targetMB} MB: ${ok}), ` +
            `${atIndexed.peakMB.toFixed(0)} MB by the time the folder was read, ${memory.nowMB.toFixed(0)} MB when done`,
        );
        console.log(`  indexed after ${(indexedMs / 1000).toFixed(1)} s; workspace diagnostics complete after ${(completeMs / 1000).toFixed(1)} s`);
        console.log(`  diagnostics: ${seen.diagnostics} in ${seen.files} of ${items.length} files (digest ${seen.sha})`);
        const again = performance.now();
        const previous = items.flatMap((r) => (r.resultId ? [{ uri: r.uri, value: r.resultId }] : []));
        const second = await Promise.race([server.workspaceDiagnostics({ previous }), ended]);
        const unchanged = second.filter((r) => r.kind === 'unchanged').length;
        console.log(`  a pull again, naming the result ids: ${unchanged} of ${second.length} reports unchanged, after ${(performance.now() - again).toFixed(0)} ms`);
        const settled = await settledPeak(server.pid!);
        console.log(`  peak server memory over the whole run, the background work that follows the pull included: ${settled.toFixed(0)} MB`);
      } finally {
        await server.stop();
      }
    } finally {
      if (keep) console.log(`  (kept in ${root})`);
      else rmSync(root, { recursive: true, force: true });
    }
  }
}

if (process.argv[1]?.endsWith('workspace.ts')) void run();
