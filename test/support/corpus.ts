/**
 * Access to the shared corpus of real constitutions and transcripts, which lives beside the project
 * (`../shared/corpus`) and is never copied into it. Tests that read it skip with a clear message
 * when it is absent.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const corpusDir = resolve(process.env.CONSTITUTION_LENS_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus'));

/** `false` when the corpus is present; otherwise the reason to pass to node:test's `skip`. */
export const corpusSkip: string | false = existsSync(corpusDir)
  ? false
  : `the shared corpus is absent (looked in ${corpusDir}; set CONSTITUTION_LENS_CORPUS to point elsewhere)`;

export function corpusFiles(sub: 'constitutions' | 'dev'): string[] {
  const dir = join(corpusDir, sub);
  return existsSync(dir) ? readdirSync(dir).sort().map((n) => join(dir, n)) : [];
}

export function readCorpus(path: string): string {
  return readFileSync(path, 'utf8');
}
