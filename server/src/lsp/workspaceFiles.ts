/**
 * Loads the workspace's constitutions and transcripts from disk into the index at start-up, and keeps
 * them current from the client's file events. Open documents win: the index ignores disk updates of
 * a file that is open in the editor.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import { decodeText } from '../core/text.ts';
import type { WorkspaceIndex } from '../core/workspace/index.ts';
import { EvalFiles } from './evalFiles.ts';

const skippedFolders = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

/** File names the index cares about; the index itself decides what each one is. */
export type Relevant = (uri: string) => boolean;

export async function scanFolder(
  folderUri: string,
  index: WorkspaceIndex,
  relevant: Relevant,
  maxFileSize: number,
  log: (message: string) => void,
  evalFiles?: EvalFiles,
): Promise<number> {
  let count = 0;
  const root = fileURLToPath(folderUri);
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      log(`Cannot read the folder ${dir}: ${(error as Error).message}`);
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.')) pending.push(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const uri = pathToFileURL(path).toString();
      if (evalFiles && EvalFiles.handles(uri)) {
        if (await loadEval(uri, evalFiles, maxFileSize, log)) count++;
        continue;
      }
      if (!relevant(uri)) continue;
      if (await loadFile(uri, index, maxFileSize, log)) count++;
    }
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

export async function applyFileEvents(
  events: readonly FileEvent[],
  index: WorkspaceIndex,
  relevant: Relevant,
  maxFileSize: number,
  log: (message: string) => void,
  evalFiles?: EvalFiles,
): Promise<void> {
  for (const event of events) {
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
