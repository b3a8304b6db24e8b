/**
 * The `.gitignore` rules over a folder tree, read as git and ripgrep read them: a folder's
 * `.gitignore` speaks of the paths under that folder, a deeper file's rules win over a shallower
 * one's (so `!keep.jsonl` takes a file back), and nothing under an ignored folder comes back. Above
 * the walked folder, the `.gitignore` files up to the repository's root and the repository's
 * `.git/info/exclude` apply as well, unless they ignore the walked folder itself: a folder that a
 * person names is read. Both front ends walk folders with it: the server's workspace walk and the
 * command line's.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Where an ignored path's rule comes from: the ignore file and the pattern, as `git check-ignore -v` says it. */
export interface IgnoreRule {
  /** The absolute path of the `.gitignore` (or `.git/info/exclude`) that holds the rule. */
  readonly file: string;
  readonly pattern: string;
}

/** One ignore file's rules and the folder they speak of. */
interface RuleFile {
  readonly dir: string;
  readonly file: string;
  readonly rules: Ignore;
}

// Git compares names as the file system does: exactly on Linux, without case where the file system
// folds it by default.
const ignoreCase = process.platform === 'darwin' || process.platform === 'win32';

/** The ignore rules of one walk, each folder's `.gitignore` read once, when the walk enters the folder. */
export class GitIgnore {
  readonly #root: string;
  /** The rules of the folders above the root that apply, the least binding first. */
  readonly #above: readonly RuleFile[];
  /** Each folder's own `.gitignore` under the root as it is read, `null` where it has none. */
  readonly #folders = new Map<string, Promise<RuleFile | null>>();
  /** The folders' rules that have been read. */
  readonly #read = new Map<string, RuleFile>();

  private constructor(root: string, above: readonly RuleFile[]) {
    this.#root = root;
    this.#above = above;
  }

  /** The rules for a walk of `root` (an absolute folder path). */
  static async of(root: string): Promise<GitIgnore> {
    const above: RuleFile[] = [];
    const repository = await repositoryRoot(root);
    if (repository !== undefined) {
      const exclude = await readRules(repository, join(repository, '.git', 'info', 'exclude'));
      if (exclude) above.push(exclude);
      const folders: string[] = [];
      for (let dir = root; dir !== repository; ) {
        dir = dirname(dir);
        folders.unshift(dir);
      }
      for (const dir of folders) {
        const rules = await readRules(dir, join(dir, '.gitignore'));
        if (rules) above.push(rules);
      }
    }
    const rules = new GitIgnore(root, above);
    return rules.#match(above, root, true) ? new GitIgnore(root, []) : rules;
  }

  /** Reads a folder's `.gitignore` (once); a walk enters each folder before it asks about its entries. */
  async enter(dir: string): Promise<void> {
    await this.#rulesOf(dir);
  }

  /**
   * The rule that ignores `path`, an entry of a folder already entered, or undefined. Only the path
   * itself is tested, since a walk never goes into an ignored folder.
   */
  ruleFor(path: string, isDir: boolean): IgnoreRule | undefined {
    const files = [...this.#above];
    for (let dir = dirname(path); isUnder(dir, this.#root); dir = dirname(dir)) {
      const own = this.#entered(dir);
      if (own) files.splice(this.#above.length, 0, own);
      if (dir === this.#root) break;
    }
    return this.#match(files, path, isDir);
  }

  /**
   * The rule that ignores `path` or one of its folders under the root, reading the `.gitignore`
   * files on the way: for a path that a file event names, which no walk has reached.
   */
  async ruleForPath(path: string, isDir: boolean): Promise<IgnoreRule | undefined> {
    if (!isUnder(path, this.#root) || path === this.#root) return undefined;
    const parts = relative(this.#root, path).split(sep);
    let dir = this.#root;
    for (let i = 0; i < parts.length; i++) {
      await this.enter(dir);
      const entry = join(dir, parts[i]);
      const rule = this.ruleFor(entry, i < parts.length - 1 || isDir);
      if (rule) return rule;
      dir = entry;
    }
    return undefined;
  }

  /** A folder's own rules, once {@link enter} has read them. */
  #entered(dir: string): RuleFile | undefined {
    return this.#read.get(dir);
  }

  #rulesOf(dir: string): Promise<RuleFile | null> {
    let rules = this.#folders.get(dir);
    if (!rules) {
      rules = readRules(dir, join(dir, '.gitignore')).then((read) => {
        if (read) this.#read.set(dir, read);
        return read ?? null;
      });
      this.#folders.set(dir, rules);
    }
    return rules;
  }

  /** The last rule of `files` (the most binding last) that decides about `path`, if it ignores it. */
  #match(files: readonly RuleFile[], path: string, isDir: boolean): IgnoreRule | undefined {
    let decided: IgnoreRule | undefined;
    for (const { dir, file, rules } of files) {
      if (!isUnder(path, dir) || path === dir) continue;
      const rel = relative(dir, path).split(sep).join('/') + (isDir ? '/' : '');
      let result;
      try {
        result = rules.test(rel);
      } catch {
        // The library refuses a path it cannot read as relative; such a path is read, never lost.
        continue;
      }
      if (result.ignored) decided = { file, pattern: result.rule?.pattern ?? '' };
      else if (result.unignored) decided = undefined;
    }
    return decided;
  }
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The folder that holds `.git`, at or above `dir`; undefined outside a repository. */
async function repositoryRoot(dir: string): Promise<string | undefined> {
  for (let at = dir; ; at = dirname(at)) {
    if (await fs.stat(join(at, '.git')).then(() => true, () => false)) return at;
    if (dirname(at) === at) return undefined;
  }
}

async function readRules(dir: string, file: string): Promise<RuleFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    // No ignore file (or none readable) ignores nothing.
    return undefined;
  }
  return { dir, file, rules: ignore({ ignoreCase }).add(text) };
}
