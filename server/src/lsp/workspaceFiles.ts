/**
 * Loads the workspace's constitutions and transcripts from disk into the index at start-up, and keeps
 * them current from the client's file events. Open documents win: the index ignores disk updates of
 * a file that is open in the editor.
 */
import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import { decodeText } from '../core/text.ts';
import type { WorkspaceIndex } from '../core/workspace/index.ts';
import { EvalFiles } from './evalFiles.ts';
import type { FolderExclusions } from './folderExclusions.ts';

const skippedFolders = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

/** File names the index cares about; the index itself decides what each one is. */
export type Relevant = (uri: string) => boolean;

/**
 * The files of a folder that the index keeps (and the `.eval` logs, when `evalFiles` reads them), found
 * by a walk that leaves out hidden folders, those of dependencies and builds, and what `exclusions`
 * leaves out (`.gitignore`, `files.exclude`, `search.exclude`). Symbolic links are not followed, so a
 * link that loops ends the walk of that branch rather than the server.
 */
export async function listFolder(
  folderUri: string,
  relevant: Relevant,
  log: (message: string) => void,
  evalFiles?: EvalFiles,
  exclusions?: FolderExclusions,
): Promise<string[]> {
  const out: string[] = [];
  let excluded = 0;
  const pending = [fileURLToPath(folderUri)];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
      await exclusions?.enter(dir);
    } catch (error) {
      log(`Cannot read the folder ${dir}: ${(error as Error).message}`);
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (skippedFolders.has(entry.name) || entry.name.startsWith('.')) continue;
        if (exclusions?.skips(path, true)) excluded++;
        else pending.push(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const uri = pathToFileURL(path).toString();
      if (!(evalFiles && EvalFiles.handles(uri)) && !relevant(uri)) continue;
      if (exclusions?.skips(path, false)) excluded++;
      else out.push(uri);
    }
  }
  if (excluded > 0) log(`Left out ${excluded} files and folders of ${fileURLToPath(folderUri)} that .gitignore, files.exclude or search.exclude name; an open one is still checked.`);
  return out;
}

/** Files at least this large (in bytes) are put in the index line by line when they are JSONL datasets. */
const streamedFrom = 1 << 20;

/** Reads files into the index, saying after each how many of them have been read; gives how many were. */
export async function loadFiles(
  uris: readonly string[],
  index: WorkspaceIndex,
  maxFileSize: number,
  log: (message: string) => void,
  evalFiles?: EvalFiles,
  progress?: (done: number, total: number) => void,
): Promise<number> {
  let count = 0;
  for (let i = 0; i < uris.length; i++) {
    const uri = uris[i];
    const read = evalFiles && EvalFiles.handles(uri) ? await loadEval(uri, evalFiles, maxFileSize, log) : await loadFile(uri, index, maxFileSize, log);
    if (read) count++;
    progress?.(i + 1, uris.length);
  }
  return count;
}

/** Reads one file into the index as its disk version; says so in the log when it cannot. */
export async function loadFile(
  uri: string,
  index: WorkspaceIndex,
  maxFileSize: number,
  log: (message: string) => void,
): Promise<boolean> {
  try {
    const path = fileURLToPath(uri);
    const stat = await fs.stat(path);
    if (stat.size > maxFileSize) {
      log(`${path} is ${stat.size} bytes, over constitutionLens.maxIndexedFileSize: it is checked when opened.`);
      return false;
    }
    // A large dataset is put in the index from its lines, never whole in memory, when it can be.
    if (stat.size >= streamedFrom && index.upsertFromReader(uri)) return true;
    const bytes = await fs.readFile(path);
    index.upsert(uri, decodeText(bytes, path), undefined, 'disk');
    return true;
  } catch (error) {
    log(`Cannot read ${uri}: ${(error as Error).message}`);
    return false;
  }
}

/** Reads an Inspect `.eval` log's samples into the index, unless the log is over the size limit. */
async function loadEval(uri: string, evalFiles: EvalFiles, maxFileSize: number, log: (message: string) => void): Promise<boolean> {
  const stat = await fs.stat(fileURLToPath(uri)).catch(() => undefined);
  if (!stat) return false;
  if (stat.size > maxFileSize) {
    log(`${fileURLToPath(uri)} is ${stat.size} bytes, over constitutionLens.maxIndexedFileSize: its samples are checked when opened.`);
    return false;
  }
  return typeof (await evalFiles.load(uri)) !== 'string';
}

/**
 * Applies the client's file events to the index: a deleted file is forgotten, a created or changed one
 * read again, unless `excluded` says that the walk leaves it out.
 */
export async function applyFileEvents(
  events: readonly FileEvent[],
  index: WorkspaceIndex,
  relevant: Relevant,
  maxFileSize: number,
  log: (message: string) => void,
  evalFiles?: EvalFiles,
  excluded: (uri: string) => Promise<boolean> = async () => false,
): Promise<void> {
  for (const event of events) {
    if (event.type !== FileChangeType.Deleted && (await excluded(event.uri))) continue;
    if (evalFiles && EvalFiles.handles(event.uri)) {
      if (event.type === FileChangeType.Deleted) evalFiles.remove(event.uri);
      else await loadEval(event.uri, evalFiles, maxFileSize, log);
      continue;
    }
    if (!relevant(event.uri)) continue;
    if (event.type === FileChangeType.Deleted) index.remove(event.uri, 'disk');
    else await loadFile(event.uri, index, maxFileSize, log);
  }
}

/** How much of a file {@link fileLines} reads at a time. */
const chunkBytes = 1 << 16;

/**
 * The lines of a file (split at `\n`, a `\r` before it left on the line, a leading byte order mark
 * dropped as `decodeText` drops it), read a chunk at a time as they are asked for, so that a
 * dataset is walked in the memory of a chunk. Each line is decoded from its own bytes: no string is
 * made of a whole chunk, and a line kept by the reader holds its own text, not a slice of a chunk's.
 * The file is opened when the walk starts and closed when it ends, or when the reader stops early.
 * Bytes that are not UTF-8 end the walk with an error.
 */
export function* fileLines(path: string): Generator<string, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    // Fatal, as `decodeText` is: a file that is not UTF-8 is not read as if it were. A `\n` byte is
    // never part of a longer UTF-8 sequence, so splitting the bytes there splits no character.
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const buffer = Buffer.alloc(chunkBytes);
    /** The bytes of a line that began in an earlier chunk, in the order read. */
    const pending: Buffer[] = [];
    let first = true;
    const decode = (bytes: Uint8Array): string => {
      let text = decoder.decode(bytes);
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      return text;
    };
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
        if (pending.length > 0) {
          pending.push(chunk.subarray(from, nl));
          yield decode(Buffer.concat(pending.splice(0)));
        } else yield decode(chunk.subarray(from, nl));
        from = nl + 1;
      }
      // The rest of the chunk begins a line that goes on in the next one: it is copied, as the buffer is read into again.
      if (from < read) pending.push(Buffer.from(chunk.subarray(from)));
    }
    yield decode(Buffer.concat(pending.splice(0)));
  } finally {
    closeSync(fd);
  }
}
