/**
 * The bundled starter constitution as the build parsed it. `npm run build` writes its model beside
 * the bundles (dist/starter.constitution.json), so that a command that reads the starter, as `check`
 * does wherever a workspace has no constitution of its own, starts without reading Markdown or YAML:
 * on a 100 MB file that start, and the compiling of the parsers it sets off, were a tenth of the run.
 *
 * The model stands for a file only when the file's name and text are the ones it was made from: an
 * edited or renamed copy is parsed like any other constitution. Running from source, where no build
 * wrote the model, every file is parsed.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Constitution } from '../core/constitution/model.ts';
import { parseConstitution } from '../core/constitution/parse.ts';

/** What the build writes: the file's name and text, and the parser's model of them. */
export interface StarterModel {
  readonly name: string;
  readonly text: string;
  readonly constitution: Constitution;
}

/** The file name of the model in the bundles' folder. */
export const starterModelFile = 'starter.constitution.json';

/** Per folder, the model read from it, or null where there is none. */
const models = new Map<string, StarterModel | null>();

function starterModel(dir: string): StarterModel | null {
  let model = models.get(dir);
  if (model === undefined) {
    try {
      model = JSON.parse(readFileSync(join(dir, starterModelFile), 'utf8')) as StarterModel;
    } catch {
      model = null;
    }
    models.set(dir, model);
  }
  return model;
}

/** The name of the bundled starter's file, the only one a model is built for. */
export const starterName = 'starter.constitution.md';

/** The model the build writes for the starter's text. */
export function starterModelOf(text: string): StarterModel {
  return { name: starterName, text, constitution: parseConstitution(text, starterName) };
}

/**
 * The constitution in `text`, read from a file named `fileName`: the prebuilt model where it was
 * made from this very name and text, else parsed. `dir` is where the bundles are; the model is read
 * only for a file of the starter's name.
 */
export function readConstitution(text: string, fileName: string, dir = __dirname): Constitution {
  const name = basename(fileName);
  const model = name === starterName ? starterModel(dir) : null;
  if (model && model.name === name && model.text === text) return model.constitution;
  return parseConstitution(text, fileName);
}
