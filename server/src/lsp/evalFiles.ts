/**
 * Inspect `.eval` logs in the workspace. Each sample of a log is put in the index under the URI of
 * its read-only view (see `core/transcript/evalLog.ts`), with the view's text as its disk version,
 * so that workspace diagnostics, references and code lenses reach the samples of logs that are not
 * open; when the editor opens a view, the client syncs it like any document, and the same text gives
 * the same diagnostics. Two requests serve the client: the samples of a log, and a view's text.
 */
import { fileURLToPath } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { diagnosticSource, fileDiagnostics } from '../core/features/fileDiagnostics.ts';
import { evalOfSampleUri, evalSampleUri, evalSampleView, isEvalFileName } from '../core/transcript/evalLog.ts';
import { readEvalSamples } from '../evalArchive.ts';
import {
  evalSamplesRequest,
  evalSampleTextRequest,
  type EvalSampleInfo,
  type EvalSamplesParams,
  type EvalSamplesResult,
  type EvalSampleTextResult,
} from '../protocol.ts';
import type { ServerContext } from './serverContext.ts';

/** The samples each indexed `.eval` file put in the index, and what could not be read of them. */
export class EvalFiles {
  readonly #samples = new Map<string, EvalSampleInfo[]>();
  readonly #ctx: ServerContext;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  /** Whether a URI is an `.eval` log this class reads. */
  static handles(uri: string): boolean {
    return uri.startsWith('file:') && isEvalFileName(uri);
  }

  /** Reads the log at `uri` and puts its samples in the index, in place of those it held before. */
  async load(uri: string): Promise<EvalSampleInfo[] | string> {
    const samples: EvalSampleInfo[] = [];
    const seen = new Set<string>();
    try {
      for await (const item of readEvalSamples(fileURLToPath(uri))) {
        const { entry, id, epoch } = item.name;
        const sampleUri = evalSampleUri(uri, entry);
        const view = 'json' in item ? evalSampleView(item.json) : undefined;
        if ('error' in item || view === undefined) {
          samples.push({ uri: sampleUri, entry, id, epoch, error: 'error' in item ? item.error : 'it is not JSON' });
          continue;
        }
        seen.add(sampleUri);
        this.#ctx.index.upsert(sampleUri, view, undefined, 'disk');
        samples.push({ uri: sampleUri, entry, id, epoch });
      }
    } catch (error) {
      this.remove(uri);
      const message = `${fileURLToPath(uri)} cannot be read: ${(error as Error).message}`;
      this.#ctx.log(message);
      return message;
    }
    for (const old of this.#samples.get(uri) ?? []) if (!seen.has(old.uri)) this.#ctx.index.remove(old.uri, 'disk');
    this.#samples.set(uri, samples);
    return samples;
  }

  /** The logs whose samples are in the index. */
  logs(): string[] {
    return [...this.#samples.keys()];
  }

  /** Drops the samples of a log that was deleted. */
  remove(uri: string): void {
    for (const old of this.#samples.get(uri) ?? []) this.#ctx.index.remove(old.uri, 'disk');
    this.#samples.delete(uri);
  }

  /** The samples of a log, read now if it was not indexed (outside the workspace, or too large). */
  async samples(uri: string): Promise<EvalSampleInfo[] | string> {
    return this.#samples.get(uri) ?? (await this.load(uri));
  }

  register(connection: Connection): void {
    connection.onRequest<EvalSamplesResult, void>(evalSamplesRequest, (params: EvalSamplesParams, token: CancellationToken) =>
      this.#ctx.runSafe(
        'eval samples',
        token,
        async (): Promise<EvalSamplesResult> => {
          const samples = await this.samples(params.uri);
          if (typeof samples === 'string') return { error: samples };
          return {
            samples: samples.map((s) => (s.error ? s : { ...s, flags: fileDiagnostics(this.#ctx.index, s.uri).filter((d) => d.source === diagnosticSource).length })),
          };
        },
        { error: 'The samples could not be listed.' },
      ),
    );
    connection.onRequest<EvalSampleTextResult, void>(evalSampleTextRequest, (params: { uri: string }, token: CancellationToken) =>
      this.#ctx.runSafe(
        'eval sample text',
        token,
        async (): Promise<EvalSampleTextResult> => {
          const of = evalOfSampleUri(params.uri);
          if (!of) return null;
          const indexed = this.#ctx.index.get(params.uri);
          if (indexed) return indexed.text;
          const samples = await this.samples(of.evalUri);
          if (typeof samples === 'string') return null;
          return this.#ctx.index.get(params.uri)?.text ?? null;
        },
        null,
      ),
    );
  }
}
