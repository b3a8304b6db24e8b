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

export { evalOfSampleUri, evalSampleScheme, evalSampleUri, isEvalSampleUri } from './evalUri.ts';

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
