/**
 * The clauses of a set of constitutions, looked up by id and by constitution name, and the
 * resolution of a citation `[[id]]` or `[[name#id]]` against them: what the editor and `check` both
 * use to tell a citation that names no clause.
 */
import type { Clause, Constitution } from '../constitution/model.ts';
import type { LoadedConstitution } from '../detectors/types.ts';
import type { Citation } from '../transcript/model.ts';
import { closest } from './closest.ts';

/** A clause and the constitution it belongs to. */
export interface ClauseRef {
  readonly uri: string;
  readonly constitution: Constitution;
  readonly clause: Clause;
}

export type CitationResolution =
  | ({ readonly kind: 'ok' } & ClauseRef)
  | { readonly kind: 'ambiguous'; readonly candidates: readonly ClauseRef[] }
  | { readonly kind: 'unknown'; readonly suggestions: readonly string[] };

/** The lookup tables of one set of constitutions. */
export interface ClauseTables {
  readonly loaded: LoadedConstitution[];
  /** Clause id to every clause with that id, across constitutions, in load order. */
  readonly byId: Map<string, ClauseRef[]>;
  /** Constitution name to its clauses by id. */
  readonly byName: Map<string, Map<string, ClauseRef>>;
  /** Per constitution uri, its clauses by id (the first of duplicates). */
  readonly byUri: Map<string, Map<string, ClauseRef>>;
}

/** The tables of `loaded`, in that order (the first constitution of a name wins it). */
export function clauseTables(loaded: LoadedConstitution[]): ClauseTables {
  const byId = new Map<string, ClauseRef[]>();
  const byName = new Map<string, Map<string, ClauseRef>>();
  const byUri = new Map<string, Map<string, ClauseRef>>();
  for (const { uri, constitution } of loaded) {
    const own = new Map<string, ClauseRef>();
    for (const clause of constitution.clauses) {
      if (own.has(clause.id)) continue;
      const ref: ClauseRef = { uri, constitution, clause };
      own.set(clause.id, ref);
      push(byId, clause.id, ref);
    }
    byUri.set(uri, own);
    if (!byName.has(constitution.name)) byName.set(constitution.name, own);
  }
  return { loaded, byId, byName, byUri };
}

/** Resolves `[[id]]` against every constitution of `tables` and `[[name#id]]` against the named one. */
export function resolveCitationIn(tables: ClauseTables, citation: Pick<Citation, 'id' | 'constitution'>): CitationResolution {
  if (citation.constitution !== undefined) {
    const clauses = tables.byName.get(citation.constitution);
    const found = clauses?.get(citation.id);
    if (found) return { kind: 'ok', ...found };
    if (!clauses) {
      const names = closest(citation.constitution, tables.byName.keys());
      const withId = (tables.byId.get(citation.id) ?? []).map((r) => `${r.constitution.name}#${r.clause.id}`);
      return { kind: 'unknown', suggestions: [...withId, ...names.map((n) => `${n}#${citation.id}`)].slice(0, 3) };
    }
    return { kind: 'unknown', suggestions: closest(citation.id, clauses.keys()).map((id) => `${citation.constitution}#${id}`) };
  }
  const candidates = tables.byId.get(citation.id) ?? [];
  if (candidates.length === 1) return { kind: 'ok', ...candidates[0] };
  if (candidates.length > 1) return { kind: 'ambiguous', candidates };
  return { kind: 'unknown', suggestions: closest(citation.id, tables.byId.keys()) };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
