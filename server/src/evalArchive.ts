/**
 * Reads the samples of an Inspect `.eval` log (a zip archive) one entry at a time, through yauzl:
 * the central directory is read lazily, one entry is decompressed into memory, handed on and
 * dropped before the next is read, so memory follows the largest sample and not the file. Limits on
 * the number of entries and on decompressed sizes turn a zip bomb into an input problem; a
 * truncated archive or a corrupt entry is an input problem with a plain message, never a crash.
 */
import yauzl from 'yauzl';
import type { Readable } from 'node:stream';
import { evalSampleName, type EvalSampleName } from './core/transcript/evalLog.ts';

/** How much an archive may hold before it is refused as a zip bomb. */
export interface EvalLimits {
  /** The most entries the central directory may list. */
  readonly maxEntries: number;
  /** The most bytes one sample may decompress to. */
  readonly maxEntryBytes: number;
  /** The most bytes all samples together may decompress to. */
  readonly maxTotalBytes: number;
}

/**
 * Limits far beyond any real log (Inspect writes one entry per sample and epoch, and a sample of
 * hundreds of megabytes is already exceptional) but well within what a machine can hold.
 */
export const defaultEvalLimits: EvalLimits = { maxEntries: 1_000_000, maxEntryBytes: 1 << 30, maxTotalBytes: 64 * 2 ** 30 };

/** A sample entry as read: its JSON text, or why it could not be read. */
export type EvalSampleEntry =
  | { readonly name: EvalSampleName; readonly json: string; readonly bytes: number }
  | { readonly name: EvalSampleName; readonly error: string };

/** The archive as a whole cannot be read (not a zip, truncated, over a limit). */
export class EvalArchiveError extends Error {}

/**
 * The sample entries of the archive at `path`, in the order its central directory lists them.
 * Entries that are not samples are passed over without being decompressed. Throws an
 * {@link EvalArchiveError} when the archive itself cannot be read; a sample that cannot be read is
 * yielded with its `error`, and the others are still read.
 */
export async function* readEvalSamples(path: string, limits: EvalLimits = defaultEvalLimits): AsyncGenerator<EvalSampleEntry> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (error) {
    throw new EvalArchiveError(`it is not a readable .eval log (a zip archive): ${plain(error)}`);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new EvalArchiveError(`it lists ${zip.entryCount} entries, more than the ${limits.maxEntries} a log may hold, so it is not read`);
    }
    let total = 0;
    const entries = zip.eachEntry();
    while (true) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw new EvalArchiveError(`its list of entries is damaged: ${plain(error)}`);
      }
      if (next.done) break;
      const entry = next.value;
      const name = evalSampleName(entry.fileName);
      if (!name) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        yield { name, error: `it would decompress to ${entry.uncompressedSize} bytes, more than the ${limits.maxEntryBytes} a sample may hold` };
        continue;
      }
      if (total + entry.uncompressedSize > limits.maxTotalBytes) {
        throw new EvalArchiveError(`its samples would decompress to more than ${limits.maxTotalBytes} bytes, so the rest is not read`);
      }
      let bytes: Buffer;
      try {
        bytes = await readAll(await zip.openReadStreamPromise(entry), limits.maxEntryBytes);
      } catch (error) {
        yield { name, error: `it could not be decompressed: ${plain(error)}` };
        continue;
      }
      total += bytes.length;
      let json: string;
      try {
        json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        yield { name, error: 'it is not valid UTF-8' };
        continue;
      }
      yield { name, json, bytes: bytes.length };
    }
  } finally {
    zip.close();
  }
}

/** A stream's bytes, refused past `max` (yauzl also refuses an entry longer than it said). */
async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      stream.destroy();
      throw new Error(`it decompresses to more than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function plain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, '');
}
