/**
 * The benchmarks' dataset: a JSONL built by repeating the dev corpus's files until it reaches a size,
 * written once to `bench/data/` (git-ignored) and reused. The corpus is read, never copied into the
 * project; without it the benchmarks that need it skip.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';

const dataDir = join(process.cwd(), 'bench', 'data');
const corpusDev = resolve(process.env.CONSTITUTION_LENS_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus'), 'dev');

/** The path of `bench/data/<name>`, holding at least `targetBytes`; undefined (said why) without the corpus. */
export async function corpusJsonl(name: string, targetBytes: number, suite: string): Promise<string | undefined> {
  const dataFile = join(dataDir, name);
  if (existsSync(dataFile) && statSync(dataFile).size >= targetBytes) return dataFile;
  if (!existsSync(corpusDev)) {
    console.log(`${suite}: skipped, the corpus is absent (${corpusDev})`);
    return undefined;
  }
  mkdirSync(dataDir, { recursive: true });
  const chunk = readdirSync(corpusDev)
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => readFileSync(join(corpusDev, n), 'utf8').replace(/\n*$/, '\n'))
    .join('');
  const out = createWriteStream(dataFile);
  let written = 0;
  while (written < targetBytes) {
    if (!out.write(chunk)) await once(out, 'drain');
    written += Buffer.byteLength(chunk);
  }
  out.end();
  await once(out, 'finish');
  return dataFile;
}

/** Every record (one JSON line) of the dev corpus's JSONL files, in file order; undefined without the corpus. */
export function corpusRecords(): string[] | undefined {
  if (!existsSync(corpusDev)) return undefined;
  const out: string[] = [];
  for (const name of readdirSync(corpusDev).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(corpusDev, name), 'utf8').split('\n')) if (line.trim() !== '') out.push(line);
  }
  return out;
}

/** Where the dev corpus is read from, for a bench's message when it is absent. */
export const corpusDevPath = corpusDev;
