/** Paths and environment of the harness's installed tools. */
export interface Tools {
  /** Node 24, which code-server and vsce need. */
  node: string;
  /** The folder holding Node 24's binary, first on PATH in `env`. */
  nodeBin: string;
  /** code-server's entry script, run with `node`. */
  codeServer: string;
  /** vsce's entry script, run with `node`. */
  vsce: string;
  /** The environment to run the tools in. */
  env: NodeJS.ProcessEnv;
}

/** The project's root folder. */
export const root: string;
/** The cache folder of the harness (git-ignored). */
export const cacheDir: string;
/** Versions of the tools the harness installs. */
export const versions: Readonly<{ node: string; codeServer: string; vsce: string }>;
/** The Debian packages that are missing, each with the reason it is needed. */
export function missingDebianPackages(): string[];
/** Installs the harness's tools when they are absent or of other versions, and returns where they are. */
export function ensureCodeServer(options?: { quiet?: boolean }): Tools;
