/**
 * The files a command reads from the paths it is given: a named file is read whatever it is; a named
 * folder is walked, in name order, for constitutions, rule packs and the files the command reads. The
 * walk follows links but walks each folder once, leaves out hidden entries and `node_modules`, and, unless `--no-ignore` is given, whatever the
 * `.gitignore` files ignore (as ripgrep does), each ignored file or folder counted with its rule so
 * that nothing is dropped silently. `check` and `agreement` share it.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isConstitutionFileName } from '../core/constitution/parse.ts';
import { isPackFileName } from '../core/packs/pack.ts';
import { GitIgnore, type IgnoreRule } from '../gitIgnore.ts';
import { isRecognisedConstitution } from './packs.ts';

/** A file to read; `explicit` when the command line names it rather than a folder walk finding it. */
export interface Target {
  readonly path: string;
  readonly explicit: boolean;
}

/** A file or folder of a walk that an ignore file's rule left out. */
export interface IgnoredPath {
  readonly path: string;
  readonly folder: boolean;
  readonly rule: IgnoreRule;
}

/** What a walk found. */
export interface FoundFiles {
  readonly targets: Target[];
  readonly constitutions: string[];
  readonly ignored: IgnoredPath[];
}

/** How a command walks: what it reads, what it never reads, and whether `.gitignore` files count. */
export interface WalkOptions {
  readonly starterPath: string;
  /** Whether the `.gitignore` files are honoured (all but `--no-ignore`). */
  readonly gitIgnore: boolean;
  /** Whether a file a folder walk finds is one the command reads. */
  readonly reads: (path: string) => boolean;
  /** Names of a folder's entries that the command never reads, beyond hidden ones and `node_modules`. */
  readonly skips?: (name: string) => boolean;
}

/** An empty set of found files, for {@link collectFiles} to add to. */
export function noFiles(): FoundFiles {
  return { targets: [], constitutions: [], ignored: [] };
}

/** Adds the files of `path` (a file named on the command line, or a folder to walk) to `found`. */
export async function collectFiles(path: string, found: FoundFiles, options: WalkOptions): Promise<void> {
  const stat = await fs.stat(path);
  if (!stat.isDirectory()) return addFile(path, true, found, options);
  const rules = options.gitIgnore ? await GitIgnore.of(path) : undefined;
  await walk(path, rules, found, options, new Set());
}

async function walk(dir: string, rules: GitIgnore | undefined, found: FoundFiles, options: WalkOptions, seen: Set<string>): Promise<void> {
  // Links are followed, so a link to a folder above would loop: each real folder is walked once.
  const real = await fs.realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  await rules?.enter(dir);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || e.name === 'node_modules' || options.skips?.(e.name)) continue;
    const path = join(dir, e.name);
    // A link is followed as `stat` follows it, as the walk always has.
    const folder = e.isDirectory() || (e.isSymbolicLink() && (await fs.stat(path).then((s) => s.isDirectory(), () => false)));
    const rule = rules?.ruleFor(path, folder);
    if (rule) {
      if (folder || wanted(path, options)) found.ignored.push({ path, folder, rule });
      continue;
    }
    if (folder) await walk(path, rules, found, options, seen);
    else await addFile(path, false, found, options);
  }
}

/** Whether a walk would read this file, so that an ignored one is worth counting. */
function wanted(path: string, options: WalkOptions): boolean {
  return isConstitutionFileName(path) || isPackFileName(path) || options.reads(path);
}

async function addFile(path: string, explicit: boolean, found: FoundFiles, options: WalkOptions): Promise<void> {
  if (isConstitutionFileName(path) || isPackFileName(path) || (await isRecognisedConstitution(path, explicit, options.starterPath))) found.constitutions.push(path);
  else if (explicit || options.reads(path)) found.targets.push({ path, explicit });
}
