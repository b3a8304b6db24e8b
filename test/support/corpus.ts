/**
 * Access to the shared corpus of real constitutions and transcripts, which lives beside the project
 * (`../shared/corpus`) and is never copied into it. Tests that read it skip with a clear message
 * when it is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { test } from 'node:test';

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

/**
 * Declares one test per file of the corpus folder `sub` that `keep` keeps, named by `title`. Without
 * the corpus, one test stands for them all and skips with the reason, as every other corpus test
 * does; with the corpus but no such file in it, that test fails, since it would otherwise check nothing.
 */
export function testEachCorpusFile(
  sub: 'constitutions' | 'dev',
  keep: (path: string) => boolean,
  title: (name: string) => string,
  body: (path: string) => void | Promise<void>,
): void {
  const files = corpusFiles(sub).filter(keep);
  if (corpusSkip || files.length === 0) {
    test(title(`each ${sub} file of the corpus`), { skip: corpusSkip }, () => {
      assert.fail(`the corpus at ${corpusDir} has no ${sub} file for this test`);
    });
    return;
  }
  for (const path of files) test(title(basename(path)), () => body(path));
}
