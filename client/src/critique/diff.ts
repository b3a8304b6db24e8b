/**
 * The word diff between a turn and its revision that the panel shows. Whitespace runs and line
 * breaks are tokens of their own, so that concatenating the `same` and `removed` segments gives back
 * the original exactly, and the `same` and `added` segments the revision.
 */
import { diffWordsWithSpace } from 'diff';
import type { DiffSegment } from '../webviewMessages.ts';

export function wordDiff(original: string, revision: string): DiffSegment[] {
  const out: DiffSegment[] = [];
  for (const change of diffWordsWithSpace(original, revision)) {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const last = out[out.length - 1];
    if (last && last.kind === kind) out[out.length - 1] = { kind, text: last.text + change.value };
    else if (change.value !== '') out.push({ kind, text: change.value });
  }
  return out;
}
