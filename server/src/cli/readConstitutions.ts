/**
 * The constitutions a command runs with, read once for every command that needs them (`check`,
 * `agreement`): the files given or found, else the bundled starter; each with its learned detectors'
 * model files and the rule packs that apply to it; and every problem found on the way, at its place.
 */
import { promises as fs } from 'node:fs';
import { basename, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkConstitution } from '../core/constitution/checkConstitution.ts';
import type { LoadedConstitution } from '../core/detectors/types.ts';
import type { Problem } from '../core/problem.ts';
import { isPackFileName } from '../core/packs/pack.ts';
import { decodeText, LineIndex } from '../core/text.ts';
import { withPacks } from './packs.ts';
import { readModelFiles } from '../modelFiles.ts';
import { readConstitution } from './starterModel.ts';

/** A file that problems are reported in: its name as shown, and its lines. */
export interface ProblemSource {
  readonly display: string;
  readonly lines: LineIndex;
}

export interface ReadConstitutions {
  /** The constitutions read, with their packs applied. */
  readonly loaded: LoadedConstitution[];
  /** The constitution files read (the starter's path when none was given or found). */
  readonly files: readonly string[];
  /** Whether the bundled starter stands in for constitutions the paths did not have. */
  readonly starter: boolean;
  /** By uri, the files problems are reported in (constitutions and packs). */
  readonly sources: Map<string, ProblemSource>;
  /** The problems of the constitutions themselves, by the uri of their file. */
  readonly problems: Array<{ readonly uri: string; readonly problem: Problem }>;
  /** The problems of the packs and of their use (a clause a pack names that is not there), by uri. */
  readonly packProblems: Array<{ readonly uri: string; readonly problem: Problem }>;
  /** Files that could not be read, each a message. */
  readonly unreadable: string[];
}

/**
 * Reads the constitution files among `paths` (pack files among them are applied as packs), or the
 * starter when there are none. `display` names a path as the command shows it.
 */
export async function readConstitutions(paths: readonly string[], starterPath: string, cwd: string, display: (path: string) => string): Promise<ReadConstitutions> {
  const given = paths.filter((p) => !isPackFileName(p));
  const files = given.length > 0 ? given : [starterPath];
  const loaded: LoadedConstitution[] = [];
  const sources = new Map<string, ProblemSource>();
  const problems: Array<{ uri: string; problem: Problem }> = [];
  const unreadable: string[] = [];
  for (const path of files) {
    let text: string;
    try {
      text = decodeText(await fs.readFile(path), path);
    } catch (error) {
      unreadable.push(`cannot read the constitution ${relative(cwd, path) || path}: ${(error as Error).message}`);
      continue;
    }
    const constitution = readConstitution(text, basename(path));
    const uri = pathToFileURL(path).toString();
    sources.set(uri, { display: display(path), lines: new LineIndex(text) });
    for (const problem of [...constitution.problems, ...checkConstitution(constitution)]) problems.push({ uri, problem });
    const models = readModelFiles(path, constitution);
    loaded.push(models ? { uri, constitution, models } : { uri, constitution });
  }
  const starter = given.length === 0;
  if (loaded.length === 0) return { loaded, files, starter, sources, problems, packProblems: [], unreadable };
  const packs = withPacks(loaded, paths.filter(isPackFileName), starterPath, display);
  for (const [uri, source] of packs.sources) sources.set(uri, source);
  return { loaded: packs.constitutions, files, starter, sources, problems, packProblems: packs.problems, unreadable };
}
