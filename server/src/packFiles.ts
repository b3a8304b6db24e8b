/**
 * The rule packs shipped with the extension, read from disk for the language server and `check`:
 * `constitutions/packs/*.rules.yaml` beside the starter constitution.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPackFileName } from './core/packs/pack.ts';

/** A pack file's path, uri and text. */
export interface PackFile {
  readonly path: string;
  readonly uri: string;
  readonly text: string;
}

/** The shipped packs, found beside the starter constitution; none when the folder is missing. */
export function bundledPackFiles(starterPath: string): PackFile[] {
  const dir = join(dirname(starterPath), 'packs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isPackFileName)
    .sort()
    .map((name) => readPackFile(join(dir, name)));
}

export function readPackFile(path: string): PackFile {
  return { path, uri: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8') };
}
