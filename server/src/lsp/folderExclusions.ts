/**
 * What the workspace walk leaves out of a workspace folder, as VS Code's search leaves it out: what
 * the `.gitignore` files ignore, and what the folder's `files.exclude` and `search.exclude` settings
 * name. The walk and the file events ask it; an open document is checked whatever it says, as VS Code
 * shows the problems of any open file.
 */
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { GitIgnore } from '../gitIgnore.ts';

/** The `files.exclude` and `search.exclude` settings of a folder, as the client answers them. */
export type ExcludeSettings = readonly unknown[];

/** What the walk leaves out of one workspace folder, read afresh at each walk. */
export class FolderExclusions {
  readonly #root: string;
  readonly #gitIgnore: GitIgnore;
  readonly #globs: (path: string) => boolean;

  private constructor(root: string, gitIgnore: GitIgnore, globs: (path: string) => boolean) {
    this.#root = root;
    this.#gitIgnore = gitIgnore;
    this.#globs = globs;
  }

  /** The exclusions of the folder at `folderUri`, given its `files.exclude` and `search.exclude` values. */
  static async of(folderUri: string, settings: ExcludeSettings): Promise<FolderExclusions> {
    const root = fileURLToPath(folderUri);
    const patterns = settings.flatMap(excludedGlobs);
    const globs = patterns.length === 0 ? () => false : picomatch(patterns, { dot: true });
    return new FolderExclusions(root, await GitIgnore.of(root), globs);
  }

  /** The folder's path. */
  get root(): string {
    return this.#root;
  }

  /** Reads a folder's `.gitignore`; the walk enters each folder before it asks about its entries. */
  enter(dir: string): Promise<void> {
    return this.#gitIgnore.enter(dir);
  }

  /** Whether an entry of a folder already entered is left out (the walk then skips a folder whole). */
  skips(path: string, isDir: boolean): boolean {
    return this.#globs(this.#relative(path)) || this.#gitIgnore.ruleFor(path, isDir) !== undefined;
  }

  /** Whether a file that an event names is left out, itself or by one of its folders. */
  async excludes(path: string): Promise<boolean> {
    const rel = this.#relative(path);
    if (rel.startsWith('../') || rel === '..') return false;
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) if (this.#globs(parts.slice(0, i).join('/'))) return true;
    return (await this.#gitIgnore.ruleForPath(path, false)) !== undefined;
  }

  #relative(path: string): string {
    return relative(this.#root, path).split(sep).join('/');
  }
}

/**
 * The globs an exclude setting turns on. An entry set to `true` excludes what it matches; one set to
 * `false` is a way to turn off a default, so it excludes nothing. An entry whose value is an object
 * (`{ "when": "$(basename).ts" }`) excludes a file only beside a sibling, which only a file explorer
 * shows; the walk reads such files.
 */
function excludedGlobs(setting: unknown): string[] {
  if (!setting || typeof setting !== 'object') return [];
  return Object.entries(setting as Record<string, unknown>)
    .filter(([glob, on]) => on === true && glob.length > 0)
    .map(([glob]) => glob.replace(/^\.\//, ''));
}
