/**
 * The messages between the reading view's webview and the extension, both directions, as
 * discriminated unions on `type`; the webview imports this file through its bundle.
 */
import type { ConversationPage, EntryView } from '@lens/protocol';

/** A range in LSP terms: lines and characters from 0. */
export interface PreviewRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

/** What the list of a dataset shows: every row, or those of a clause, a rule, a severity, a label state, a text. */
export interface PreviewFilter {
  readonly clause: string;
  readonly rule: string;
  /** `''` for any, else the least severity a row must have a flag of. */
  readonly severity: '' | 'error' | 'warning' | 'info' | 'hint';
  readonly label: '' | 'labelled' | 'unlabelled';
  readonly text: string;
}

/** The filter that keeps every row. */
export const noFilter: PreviewFilter = { clause: '', rule: '', severity: '', label: '', text: '' };

/** What the view keeps with `setState`, and the panel serializer gets back after a window reload. */
export interface PreviewState {
  readonly uri: string;
  readonly entry: number;
  readonly filter: PreviewFilter;
}

/** The commands and edits a turn or a flag offers in the view: the same as the text editor's. */
export const PreviewAction = {
  agree: 'agree',
  disagree: 'disagree',
  review: 'review',
  cite: 'cite',
  label: 'label',
  critique: 'critique',
} as const;
export type PreviewAction = (typeof PreviewAction)[keyof typeof PreviewAction];

/** Messages from the extension to the view. */
export type ToPreview =
  /** The entry to show, with the document's name as the workspace shows it. */
  | { readonly type: 'entry'; readonly name: string; readonly view: EntryView }
  /** Rows of the dataset's list; `reset` starts the list again, `done` says no row follows. */
  | { readonly type: 'rows'; readonly page: ConversationPage; readonly reset: boolean; readonly done: boolean }
  /** The source editor scrolled: `line` is at its top. */
  | { readonly type: 'sourceAt'; readonly line: number }
  /** The document could not be shown, in words. */
  | { readonly type: 'problem'; readonly message: string };

/** Messages from the view to the extension. */
export type FromPreview =
  | { readonly type: 'ready' }
  | { readonly type: 'openEntry'; readonly entry: number }
  /** The list's text filter changed: the rows are read again, those holding the text. */
  | { readonly type: 'search'; readonly text: string }
  /** Show a place of the source: selected (a click on a flag), or only scrolled to (the view scrolled). */
  | { readonly type: 'reveal'; readonly range: PreviewRange; readonly select: boolean }
  | { readonly type: 'openClause'; readonly uri: string; readonly range: PreviewRange }
  | {
      readonly type: 'act';
      readonly action: PreviewAction;
      readonly conversation: number;
      readonly turn: number;
      /** The turn's range, where a command works at the cursor. */
      readonly range: PreviewRange;
      /** The flag acted on: its rule and its clause as a citation names it. */
      readonly flag?: { readonly rule: string; readonly cite: string };
    };

const isPosition = (p: unknown): boolean =>
  typeof p === 'object' && p !== null && Number.isInteger((p as { line: unknown }).line) && Number.isInteger((p as { character: unknown }).character);

function range(value: unknown): PreviewRange | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as { start?: unknown; end?: unknown };
  if (!isPosition(r.start) || !isPosition(r.end)) return undefined;
  const s = r.start as PreviewRange['start'];
  const e = r.end as PreviewRange['end'];
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

const actions = new Set<string>(Object.values(PreviewAction));

/** Reads a message from the webview, or undefined when it is not one of {@link FromPreview}. */
export function parseFromPreview(value: unknown): FromPreview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openEntry':
      return Number.isInteger(m.entry) && (m.entry as number) >= 0 ? { type: 'openEntry', entry: m.entry as number } : undefined;
    case 'search':
      return typeof m.text === 'string' ? { type: 'search', text: m.text } : undefined;
    case 'reveal': {
      const r = range(m.range);
      return r ? { type: 'reveal', range: r, select: m.select === true } : undefined;
    }
    case 'openClause': {
      const r = range(m.range);
      return r && typeof m.uri === 'string' ? { type: 'openClause', uri: m.uri, range: r } : undefined;
    }
    case 'act': {
      const r = range(m.range);
      if (!r || typeof m.action !== 'string' || !actions.has(m.action) || !Number.isInteger(m.conversation) || !Number.isInteger(m.turn)) return undefined;
      const f = m.flag as { rule?: unknown; cite?: unknown } | undefined;
      const flag = f && typeof f.rule === 'string' && typeof f.cite === 'string' ? { rule: f.rule, cite: f.cite } : undefined;
      if ((m.action === 'agree' || m.action === 'disagree' || m.action === 'review') && !flag) return undefined;
      return { type: 'act', action: m.action as PreviewAction, conversation: m.conversation as number, turn: m.turn as number, range: r, ...(flag ? { flag } : {}) };
    }
    default:
      return undefined;
  }
}

/** Whether a value restored by the webview's `getState` (or a serializer) is a preview state. */
export function isPreviewState(value: unknown): value is PreviewState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const f = s.filter as Record<string, unknown> | undefined;
  return (
    typeof s.uri === 'string' &&
    Number.isInteger(s.entry) &&
    !!f &&
    ['clause', 'rule', 'severity', 'label', 'text'].every((k) => typeof f[k] === 'string')
  );
}
