/**
 * The URIs of the read-only views of an Inspect `.eval` log's samples, which the server indexes and
 * the client opens; kept apart from the reading of samples so that the client's bundle takes only this.
 */

/** The URI scheme of a sample's read-only view in the editor. */
export const evalSampleScheme = 'constitution-lens-eval';

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
