/** A critique cache kept as one JSON file per key in a folder (the workspace storage, or beside a dataset). */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CritiqueCache, CritiqueResult } from './types.ts';

export class FileCritiqueCache implements CritiqueCache {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async get(key: string): Promise<CritiqueResult | undefined> {
    if (!/^[0-9a-z_-]+$/i.test(key)) return undefined;
    try {
      const value = JSON.parse(await readFile(join(this.#dir, `${key}.json`), 'utf8')) as CritiqueResult;
      return Array.isArray(value.findings) && typeof value.revision === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes through a temporary file and a rename, so a crash never leaves a half-written entry. */
  async set(key: string, result: CritiqueResult): Promise<void> {
    if (!/^[0-9a-z_-]+$/i.test(key)) return;
    await mkdir(this.#dir, { recursive: true });
    const path = join(this.#dir, `${key}.json`);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ ...result, cached: false }), 'utf8');
    await rename(temp, path);
  }
}

/** A cache in memory, for tests and for one run of the command line tool. */
export class MemoryCritiqueCache implements CritiqueCache {
  readonly #entries = new Map<string, CritiqueResult>();

  async get(key: string): Promise<CritiqueResult | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, result: CritiqueResult): Promise<void> {
    this.#entries.set(key, result);
  }
}
