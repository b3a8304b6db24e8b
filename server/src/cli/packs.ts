/**
 * Rule packs for `check`: the shipped packs and those given or found under the paths, applied to the
 * constitutions read, with one notice per constitution that ends up with no detectors at all.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import { noDetectorsProblem } from '../core/features/citations.ts';
import type { LoadedConstitution, RulesetProblem } from '../core/detectors/types.ts';
import { applyPacks, type LoadedPack } from '../core/packs/apply.ts';
import { detectorDeclarations, parsePack, recognisesText, type RulePack } from '../core/packs/pack.ts';
import { LineIndex } from '../core/text.ts';
import { bundledPackFiles, readPackFile } from '../packFiles.ts';
import { readConstitution, starterName } from './starterModel.ts';
import { readFileSync } from 'node:fs';

export interface WithPacks {
  readonly constitutions: LoadedConstitution[];
  readonly problems: RulesetProblem[];
  /** The pack files, for reporting their problems at their places. */
  readonly sources: Map<string, { display: string; lines: LineIndex }>;
}

let bundled: { starterPath: string; packs: RulePack[] } | undefined;

function bundledPacks(starterPath: string): RulePack[] {
  if (bundled?.starterPath !== starterPath) {
    const copies = starterCopies(starterPath);
    bundled = { starterPath, packs: bundledPackFiles(starterPath).map((f) => parsePack(f.text, f.uri, copies)) };
  }
  return bundled.packs;
}

function starterCopies(starterPath: string) {
  try {
    const starter = readConstitution(readFileSync(starterPath, 'utf8'), starterName);
    return detectorDeclarations(starter.clauses.flatMap((c) => c.rules));
  } catch {
    return new Map();
  }
}

/** Applies the shipped packs and the pack files given to the constitutions read. */
export function withPacks(loaded: readonly LoadedConstitution[], packPaths: readonly string[], starterPath: string, display: (path: string) => string): WithPacks {
  const packs: LoadedPack[] = bundledPacks(starterPath).map((pack) => ({ pack, bundled: true }));
  const sources = new Map<string, { display: string; lines: LineIndex }>();
  const problems: RulesetProblem[] = [];
  const copies = starterCopies(starterPath);
  for (const path of packPaths) {
    try {
      const file = readPackFile(path);
      packs.push({ pack: parsePack(file.text, file.uri, copies) });
      sources.set(file.uri, { display: display(path), lines: new LineIndex(file.text) });
    } catch (error) {
      sources.set(path, { display: display(path), lines: new LineIndex('') });
      problems.push({ uri: path, problem: { code: 'pack.unreadable', message: `Cannot read the rule pack ${basename(path)}: ${(error as Error).message}`, span: { start: 0, end: 0 }, severity: 'error' } });
    }
  }
  const applied = applyPacks(loaded, packs);
  problems.push(...applied.problems);
  for (const { uri, constitution } of applied.constitutions) {
    const notice = noDetectorsProblem(constitution);
    if (notice) problems.push({ uri, problem: notice });
  }
  return { constitutions: applied.constitutions, problems, sources };
}

/**
 * Whether a Markdown or JSON file found under the paths is a published constitution that a shipped
 * pack recognises by its first part. A file named on the command line is checked as given.
 */
export async function isRecognisedConstitution(path: string, explicit: boolean, starterPath: string): Promise<boolean> {
  if (explicit || !/\.(?:md|markdown|json)$/i.test(path)) return false;
  const packs = bundledPacks(starterPath);
  if (packs.length === 0) return false;
  let head = '';
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      head = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return packs.some((p) => recognisesText(p, head));
}
