/**
 * Applying rule packs: a pack applies to every loaded constitution it recognises by content (its
 * `for` title, name and clause ids), whatever the constitution's file is called; its detectors are
 * attached to the clauses they name, as if written in `rules` blocks there, but remembering the
 * pack as the place they were written. The constitutions themselves are never changed.
 */
import type { Constitution } from '../constitution/model.ts';
import type { LoadedConstitution, RulesetProblem } from '../detectors/types.ts';
import { problem } from '../problem.ts';
import type { RulePack } from './pack.ts';

/** A pack and whether it ships with the extension (a shipped pack that matches nothing is quiet). */
export interface LoadedPack {
  readonly pack: RulePack;
  readonly bundled?: boolean;
}

/** Which pack applied to which constitution. */
export interface PackUse {
  readonly pack: string;
  readonly packUri: string;
  readonly constitutionUri: string;
}

export interface AppliedPacks {
  /** The constitutions with the detectors of their packs attached to their clauses. */
  readonly constitutions: LoadedConstitution[];
  /** Problems of the packs, at their places in the packs. */
  readonly problems: RulesetProblem[];
  readonly uses: PackUse[];
}

/** Whether a pack is for this constitution: every condition its `for` states holds. */
export function packMatches(pack: RulePack, constitution: Constitution): boolean {
  const t = pack.target;
  if (!t.title && !t.name && t.clauses.length === 0) return false;
  if (t.title && plainTitle(constitution.title) !== plainTitle(t.title)) return false;
  if (t.name && constitution.name !== t.name) return false;
  if (t.clauses.length) {
    const ids = new Set(constitution.clauses.map((c) => c.id));
    if (!t.clauses.every((id) => ids.has(id))) return false;
  }
  if (t.phrases.length) {
    const text = constitution.clauses.map((c) => `${c.title}\n${c.text}\n${c.critique ?? ''}`).join('\n').toLowerCase();
    if (!t.phrases.every((p) => text.includes(p.toLowerCase()))) return false;
  }
  return true;
}

/** A title compared without case, surrounding space or the kind of apostrophe. */
function plainTitle(title: string): string {
  return title.trim().toLowerCase().replace(/[’‘ʼ]/g, "'");
}

/**
 * Attaches each enabled pack to the constitutions it recognises. `disabled` holds the names of packs
 * turned off in settings. A clause id that the matched constitution lacks is an error at that id.
 */
export function applyPacks(
  constitutions: readonly LoadedConstitution[],
  packs: readonly LoadedPack[],
  disabled: ReadonlySet<string> = new Set(),
): AppliedPacks {
  const problems: RulesetProblem[] = [];
  const uses: PackUse[] = [];
  const extra = new Map<string, Map<string, { pack: RulePack; index: number }[]>>();
  for (const { pack, bundled } of packs) {
    for (const p of pack.problems) problems.push({ uri: pack.uri, problem: p });
    if (disabled.has(pack.name)) continue;
    let matched = false;
    for (const { uri, constitution } of constitutions) {
      if (!packMatches(pack, constitution)) continue;
      matched = true;
      uses.push({ pack: pack.name, packUri: pack.uri, constitutionUri: uri });
      const ids = new Set(constitution.clauses.map((c) => c.id));
      const byClause = extra.get(uri) ?? new Map<string, { pack: RulePack; index: number }[]>();
      extra.set(uri, byClause);
      pack.clauses.forEach((clause, index) => {
        if (!ids.has(clause.id)) {
          problems.push({
            uri: pack.uri,
            problem: problem('pack.unknown-clause', `"${constitution.title}" has no clause "${clause.id}".`, clause.idSpan),
          });
          return;
        }
        const list = byClause.get(clause.id) ?? [];
        list.push({ pack, index });
        byClause.set(clause.id, list);
      });
    }
    if (!matched && !bundled) {
      problems.push({
        uri: pack.uri,
        problem: problem('pack.no-constitution', `No loaded constitution matches this pack's \`for\`, so its detectors do not run.`, pack.target.span, 'warning'),
      });
    }
  }
  const out = constitutions.map((loaded) => {
    const byClause = extra.get(loaded.uri);
    if (!byClause) return loaded;
    const clauses = loaded.constitution.clauses.map((clause) => {
      const added = byClause.get(clause.id);
      if (!added) return clause;
      return {
        ...clause,
        rules: [
          ...clause.rules,
          ...added.map(({ pack, index }) => ({ value: pack.clauses[index].value, span: pack.clauses[index].span, uri: pack.uri })),
        ],
      };
    });
    return { ...loaded, constitution: { ...loaded.constitution, clauses } };
  });
  return { constitutions: out, problems, uses };
}

/** The number of detector declarations a constitution carries (after packs). */
export function detectorCount(constitution: Constitution): number {
  let n = 0;
  for (const clause of constitution.clauses) {
    for (const r of clause.rules) n += r.value?.kind === 'seq' ? r.value.items.length : r.value ? 1 : 0;
  }
  return n;
}
