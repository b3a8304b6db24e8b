/**
 * The server's diagnostics of a file, worked out against a time limit and kept between pulls. The
 * core gives a file's diagnostics (`fileDiagnostics`) and one JSONL line's (`jsonlLineDiagnostics`),
 * keeping nothing; this is where the server decides how long to work and what to keep: for an open
 * JSONL transcript, the diagnostics it last assembled, line by line, so that a keystroke works out
 * the edited lines' part alone and a walk that ran out of time goes on where it stopped.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { Ruleset } from '../core/detectors/index.ts';
import type { LoadedConstitution } from '../core/detectors/types.ts';
import { fileDiagnostics, jsonlLineDiagnostics, showsTranscriptDiagnostics, type DiagnosticOptions } from '../core/features/fileDiagnostics.ts';
import type { WorkspaceIndex } from '../core/workspace/index.ts';
import type { JsonlLines } from '../core/workspace/jsonlLines.ts';

/** A file's diagnostics as far as they were worked out. */
export interface DiagnosticsSoFar {
  readonly diagnostics: Diagnostic[];
  /** False when the time limit stopped the work before the end of the file. */
  readonly complete: boolean;
}

/**
 * A JSONL transcript's diagnostics as a walk last assembled them, for one ruleset, set of
 * constitutions and settings: the three lists (problems, citation problems, findings) in line order,
 * and where each line's part of each list starts, so that a keystroke replaces one line's part.
 */
interface Assembled {
  readonly ruleset: Ruleset;
  readonly constitutions: readonly LoadedConstitution[];
  readonly overrides: DiagnosticOptions['severityOverrides'];
  /** The revision of the text the lists are for. */
  revision: number;
  readonly lists: readonly [Diagnostic[], Diagnostic[], Diagnostic[]];
  /** Per list, where the part of the `k`-th line starts; once complete, one more entry ends the last part. */
  readonly starts: readonly [number[], number[], number[]];
  /**
   * The first line the walk has not assembled, where the time limit stopped it; undefined once it
   * got to the end of the file. The next walk of the same revision goes on from there.
   */
  next: number | undefined;
}

export class DiagnosticsWork {
  /** Per JSONL model (an open document's, or a disk file's while the index keeps it), what was assembled. */
  readonly #assembled = new WeakMap<JsonlLines, Assembled>();

  /**
   * A file's diagnostics, worked out until `deadline` (a `performance.now()` time). Only a JSONL
   * transcript stops early: its lines are read in file order, so what comes back is every
   * diagnostic of the lines before the place where time ran out. Each call works out at least one
   * more line, so calls made one after the other get to the end.
   */
  until(index: WorkspaceIndex, uri: string, deadline: number, options: DiagnosticOptions = {}): DiagnosticsSoFar {
    const file = index.get(uri);
    const jsonl = file?.kind === 'transcript' ? index.jsonlLines(uri) : undefined;
    if (!jsonl) return { diagnostics: fileDiagnostics(index, uri, options), complete: true };
    if (!showsTranscriptDiagnostics(index, uri)) return { diagnostics: [], complete: true };
    return this.#jsonl(index, uri, jsonl, options, deadline);
  }

  /**
   * When the edit moved no line, the lists assembled last time are kept and only the edited lines'
   * parts are replaced. Otherwise the lines are walked from the top (or from where a walk of the
   * same text stopped); once `deadline` has passed, a first walk stops after the line it is on.
   */
  #jsonl(index: WorkspaceIndex, uri: string, jsonl: JsonlLines, options: DiagnosticOptions, deadline: number): DiagnosticsSoFar {
    const ruleset = index.ruleset();
    const constitutions = index.constitutions();
    const overrides = options.severityOverrides;
    const last = this.#assembled.get(jsonl);
    const current = last && last.ruleset === ruleset && last.constitutions === constitutions && last.overrides === overrides ? last : undefined;
    if (current && current.next === undefined) {
      const replaced = jsonl.viewsReplacedSince(current.revision);
      if (replaced) {
        for (const k of new Set(replaced)) {
          const line = jsonlLineDiagnostics(index, uri, jsonl, jsonl.viewAt(k)!, options);
          replacePart(current, 0, k, line.problems);
          replacePart(current, 1, k, line.citations);
          replacePart(current, 2, k, line.findings);
        }
        current.revision = jsonl.revision;
        return { diagnostics: current.lists[0].concat(current.lists[1], current.lists[2]), complete: true };
      }
    }
    const revision = jsonl.revision;
    const resumed = current && current.next !== undefined && current.revision === revision ? current : undefined;
    const assembled: Assembled = resumed ?? { ruleset, constitutions, overrides, revision, lists: [[], [], []], starts: [[], [], []], next: 0 };
    const { lists, starts } = assembled;
    // After an edit that moved lines, every line's report is still at hand and only its place has
    // changed: the walk then goes to the end, so that no diagnostic below the edit goes missing
    // for a moment.
    const until = current && current.next === undefined ? Infinity : deadline;
    let complete = true;
    let k = assembled.next ?? 0;
    for (; ; k++) {
      const view = jsonl.viewAt(k);
      if (!view) break;
      if (k > (assembled.next ?? 0) && performance.now() > until) {
        complete = false;
        break;
      }
      const line = jsonlLineDiagnostics(index, uri, jsonl, view, options);
      const parts = [line.problems, line.citations, line.findings] as const;
      for (let p = 0; p < 3; p++) {
        starts[p].push(lists[p].length);
        for (const d of parts[p]) lists[p].push(d);
      }
    }
    if (complete) for (let p = 0; p < 3; p++) starts[p].push(lists[p].length);
    assembled.next = complete ? undefined : k;
    this.#assembled.set(jsonl, assembled);
    return { diagnostics: lists[0].concat(lists[1], lists[2]), complete };
  }
}

/** Replaces the `k`-th line's part of list `which` by `items`, moving the parts after it. */
function replacePart(assembled: Assembled, which: 0 | 1 | 2, k: number, items: readonly Diagnostic[]): void {
  const list = assembled.lists[which];
  const starts = assembled.starts[which];
  const from = starts[k];
  const count = starts[k + 1] - from;
  if (count === 0 && items.length === 0) return;
  list.splice(from, count, ...items);
  const by = items.length - count;
  if (by !== 0) for (let j = k + 1; j < starts.length; j++) starts[j] += by;
}
