/**
 * Inspect AI `.eval` logs: a zip archive whose entries `samples/<id>_epoch_<n>.json` each hold one
 * sample (its `messages`, scores, events, ...), beside `header.json` and summaries. Each sample is
 * read as one conversation, from a view of it: the sample's JSON pretty-printed by
 * {@link evalSampleView}. That view is what `check` reports ranges into and what the editor shows
 * as a read-only document, so a place means the same in both. The archive itself is read outside
 * the core (`server/src/evalArchive.ts`), one entry at a time.
 */
import { readInspectSample } from './formats/inspect.ts';
import { TranscriptFormat, type Transcript } from './model.ts';

/** The URI scheme of a sample's read-only view in the editor. */
export const evalSampleScheme = 'constitution-lens-eval';

/** A sample entry of an `.eval` archive, by its name. */
export interface EvalSampleName {
  /** The entry's name in the archive, `samples/<id>_epoch_<n>.json`. */
  readonly entry: string;
  readonly id: string;
  readonly epoch: number;
}

const sampleEntry = /^samples\/(.+)_epoch_(\d+)\.json$/;

/** Whether a file's name says Inspect `.eval` log. */
export function isEvalFileName(name: string): boolean {
  return name.toLowerCase().endsWith('.eval');
}

/** The sample an archive entry holds, or `undefined` for an entry that is not a sample. */
export function evalSampleName(entry: string): EvalSampleName | undefined {
  const m = sampleEntry.exec(entry);
  return m ? { entry, id: m[1], epoch: Number(m[2]) } : undefined;
}

/** How a sample is named to a reader: `sample 9, epoch 1`. */
export function describeEvalSample(name: EvalSampleName): string {
  return `sample ${name.id}, epoch ${name.epoch}`;
}

/**
 * The view of a sample: its JSON, pretty-printed with two spaces. `undefined` when the entry is
 * not JSON at all. The CLI's ranges and the editor's documents both come from this one function.
 */
export function evalSampleView(json: string): string | undefined {
  try {
    return `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
  } catch {
    return undefined;
  }
}

/** The conversation of a sample's view (see {@link evalSampleView}), read as an Inspect sample. */
export function readEvalSample(view: string): Transcript {
  const read = readInspectSample(view);
  return { format: read.conversations[0]?.format ?? TranscriptFormat.unknown, conversations: read.conversations, problems: read.problems };
}

/**
 * The URI of a sample's view: the scheme, the `.eval` file's path, then the entry's name, so that
 * the editor titles it `9_epoch_1.json` and takes it for JSON. It is written as VS Code writes a URI
 * without authority (`scheme:/path`), so the view the editor opens and the one the server indexed
 * from disk have the same URI.
 */
export function evalSampleUri(evalFileUri: string, entry: string): string {
  const path = evalFileUri.replace(/^file:\/\//, '');
  return `${evalSampleScheme}:${path}/${entry.split('/').map(encodeURIComponent).join('/')}`;
}

/** The `.eval` file and the entry a sample view's URI names, or `undefined` for any other URI. */
export function evalOfSampleUri(uri: string): { readonly evalUri: string; readonly entry: string } | undefined {
  if (!uri.startsWith(`${evalSampleScheme}:`)) return undefined;
  const rest = uri.slice(evalSampleScheme.length + 1).replace(/^\/\//, '');
  const at = rest.toLowerCase().lastIndexOf('.eval/');
  if (at < 0) return undefined;
  const entry = rest.slice(at + '.eval/'.length).split('/').map(safeDecode).join('/');
  return { evalUri: `file://${rest.slice(0, at + '.eval'.length)}`, entry };
}

/** Whether a URI is a sample's view. */
export function isEvalSampleUri(uri: string): boolean {
  return uri.startsWith(`${evalSampleScheme}:`);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
