/**
 * What `npm start [-- PATH]` opens, on which port, and where it keeps the editor's state between runs.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The port `npm start` serves on unless `PORT` says otherwise. A fixed port matters beyond habit: the
 * workbench keeps the API key (SecretStorage) in the browser's storage for its address, so a port
 * that changed from one run to the next would lose the key.
 */
export const defaultPort = 8090;

/** What `npm start` serves. */
export interface StartOptions {
  /** The folder the workbench opens: PATH, or examples/ without one. */
  readonly workspace: string;
  /** The port on loopback; 0 asks for a free one. */
  readonly port: number;
  /** The user data (settings, the key to the stored secrets) and the installed extension, kept between runs. */
  readonly stateDir: string;
}

/**
 * Reads the arguments and the environment of `npm start`. A relative PATH is taken from the folder
 * npm was run in (`INIT_CWD`), not from the project's root where npm runs the script.
 */
export function startOptions(args: readonly string[], env: NodeJS.ProcessEnv, root: string, cacheDir: string): StartOptions | { error: string } {
  const paths = args.filter((a) => a !== '--');
  if (paths.length > 1) return { error: `npm start opens one folder; it was given ${paths.length}: ${paths.join(' ')}` };
  const workspace = paths[0] === undefined ? join(root, 'examples') : resolve(env.INIT_CWD ?? process.cwd(), paths[0]);
  const kind = statSync(workspace, { throwIfNoEntry: false });
  if (!kind) return { error: `There is no folder ${workspace}.` };
  if (!kind.isDirectory()) return { error: `${workspace} is a file; npm start opens a folder. Open the folder that holds it.` };
  const text = env.PORT?.trim() || String(defaultPort);
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) return { error: `PORT must be a port number from 0 to 65535, not "${env.PORT}".` };
  return { workspace, port, stateDir: join(cacheDir, 'start') };
}
