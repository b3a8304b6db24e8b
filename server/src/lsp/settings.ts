/**
 * Settings, asked of the client per workspace folder (or per file outside every folder) and cached
 * until the configuration changes (never kept in globals).
 */
import type { Connection } from 'vscode-languageserver';
import { editorDiagnosticsLimit } from '../core/features/diagnosticLimit.ts';
import { isSeverity, type Severity } from '../core/problem.ts';

export interface Settings {
  /** Globs of constitution files beyond the `*.constitution.*` convention. */
  readonly constitutions: readonly string[];
  /** Per-detector severity, or `off`. */
  readonly severityOverrides: Readonly<Record<string, Severity | 'off'>>;
  /** Files larger than this many bytes are checked when opened, not while indexing the workspace. */
  readonly maxIndexedFileSize: number;
  /** The most diagnostics one file's report holds; the most severe are kept. */
  readonly maxDiagnosticsPerFile: number;
  /** Rule packs by name: `false` turns a pack off. */
  readonly packs: Readonly<Record<string, boolean>>;
  /** A rule the reviewers confirm less often than this (a share; 0 for never) is shown one severity lower. */
  readonly demoteBelowPrecision: number;
  /** How many labelled turns a rule must have flagged before it can be demoted. */
  readonly demoteMinFlagged: number;
}

export const defaultSettings: Settings = {
  constitutions: [],
  severityOverrides: {},
  maxIndexedFileSize: 50_000_000,
  maxDiagnosticsPerFile: editorDiagnosticsLimit,
  packs: {},
  demoteBelowPrecision: 0.5,
  demoteMinFlagged: 10,
};

export function toSettings(raw: unknown): Settings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const overrides: Record<string, Severity | 'off'> = {};
  if (r.severity && typeof r.severity === 'object') {
    for (const [rule, value] of Object.entries(r.severity as Record<string, unknown>)) {
      if (value === 'off' || isSeverity(value)) overrides[rule] = value;
    }
  }
  const packs: Record<string, boolean> = {};
  if (r.packs && typeof r.packs === 'object') {
    for (const [name, on] of Object.entries(r.packs as Record<string, unknown>)) if (typeof on === 'boolean') packs[name] = on;
  }
  return {
    packs,
    constitutions: Array.isArray(r.constitutions) ? r.constitutions.filter((g): g is string => typeof g === 'string') : [],
    severityOverrides: overrides,
    maxIndexedFileSize:
      typeof r.maxIndexedFileSize === 'number' && r.maxIndexedFileSize > 0
        ? r.maxIndexedFileSize
        : defaultSettings.maxIndexedFileSize,
    maxDiagnosticsPerFile:
      typeof r.maxDiagnosticsPerFile === 'number' && r.maxDiagnosticsPerFile >= 1
        ? Math.floor(r.maxDiagnosticsPerFile)
        : defaultSettings.maxDiagnosticsPerFile,
    demoteBelowPrecision:
      typeof r.demoteBelowPrecision === 'number' && r.demoteBelowPrecision >= 0 && r.demoteBelowPrecision <= 1
        ? r.demoteBelowPrecision
        : defaultSettings.demoteBelowPrecision,
    demoteMinFlagged:
      typeof r.demoteMinFlagged === 'number' && r.demoteMinFlagged >= 1 ? Math.floor(r.demoteMinFlagged) : defaultSettings.demoteMinFlagged,
  };
}

/**
 * The settings of each scope, asked of the client once. A file's settings are its workspace folder's:
 * the client answers a file of a folder as it answers the folder (settings are per folder; a
 * language's own settings need the document, which a scope URI does not carry), so the files of a
 * workspace share one request and one answer, rather than each asking the client in turn.
 */
export class SettingsCache {
  readonly #connection: Connection;
  readonly #supported: boolean;
  readonly #scopeOf: (uri: string) => string;
  readonly #cache = new Map<string, Promise<Settings>>();

  /** `scopeOf` gives the URI whose settings a file's are: its workspace folder's, or its own. */
  constructor(connection: Connection, supported: boolean, scopeOf: (uri: string) => string = (uri) => uri) {
    this.#connection = connection;
    this.#supported = supported;
    this.#scopeOf = scopeOf;
  }

  get(uri: string | undefined): Promise<Settings> {
    if (!this.#supported) return Promise.resolve(defaultSettings);
    const scope = uri === undefined ? undefined : this.#scopeOf(uri);
    const key = scope ?? '';
    let settings = this.#cache.get(key);
    if (!settings) {
      settings = this.#connection.workspace
        .getConfiguration({ scopeUri: scope, section: 'constitutionLens' })
        .then(toSettings, () => defaultSettings);
      this.#cache.set(key, settings);
    }
    return settings;
  }

  clear(): void {
    this.#cache.clear();
  }
}
