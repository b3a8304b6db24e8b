/**
 * The model files of a constitution's learned detectors, read from beside it for the core (which
 * reads no files): each file's text, and which of the training files it names now hash otherwise.
 * A training file that is absent cannot be checked, so it does not make the model stale: a model
 * shipped without its training data is used as it is.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Constitution } from './core/constitution/model.ts';
import { DetectorKind, readDetectors, type DetectorSpec } from './core/detectors/detectorSchema.ts';
import type { ModelFileRead } from './core/detectors/types.ts';

/** The SHA-256 of a file's bytes, in hex. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The learned detectors of a constitution, as declared. */
export function learnedDetectors(constitution: Constitution): DetectorSpec[] {
  const out: DetectorSpec[] = [];
  for (const clause of constitution.clauses) {
    for (const source of clause.rules) {
      for (const d of readDetectors(source).detectors) if (d.kind === DetectorKind.learned && d.model) out.push(d);
    }
  }
  return out;
}

/** The model files of the constitution at `path`, keyed as the rules name them; undefined when it has no learned detector. */
export function readModelFiles(path: string, constitution: Constitution): Record<string, ModelFileRead> | undefined {
  const specs = learnedDetectors(constitution);
  if (specs.length === 0) return undefined;
  const folder = dirname(path);
  const out: Record<string, ModelFileRead> = {};
  for (const spec of specs) {
    const name = spec.model!.text;
    if (name in out) continue;
    out[name] = readModelFile(resolve(folder, name), folder);
  }
  return out;
}

function readModelFile(path: string, folder: string): ModelFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { unreadable: code === 'ENOENT' ? 'no such file' : (error as Error).message };
  }
  return { text, stale: staleData(text, folder) };
}

/** The training files the model names whose bytes hash otherwise now; unreadable ones are left out. */
function staleData(text: string, folder: string): string[] | undefined {
  let data: unknown;
  try {
    data = (JSON.parse(text) as { training?: { data?: unknown } }).training?.data;
  } catch {
    return undefined;
  }
  if (!Array.isArray(data)) return undefined;
  const stale: string[] = [];
  for (const d of data as { path?: unknown; sha256?: unknown }[]) {
    if (typeof d?.path !== 'string' || typeof d.sha256 !== 'string') continue;
    let now: string;
    try {
      now = sha256File(resolve(folder, d.path));
    } catch {
      continue;
    }
    if (now !== d.sha256) stale.push(d.path);
  }
  return stale.length ? stale : undefined;
}
