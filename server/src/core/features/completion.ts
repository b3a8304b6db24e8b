/**
 * Completion of clause ids after `[[`, in a note of a text or Markdown transcript and inside a JSON
 * string (a message's `note`): each clause's id with its title and a preview of its text, filtered
 * by what has been typed; `name#id` as well when several constitutions are loaded.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import { baseName, type ClauseRef, type IndexedFile, type WorkspaceIndex } from '../workspace/index.ts';
import { clausePlace, clausePreview, escapeMarkdown } from './clauseText.ts';

/** What stands between `[[` and the cursor, and where. */
interface Typed {
  /** Offset just after `[[`. */
  readonly start: number;
  readonly text: string;
}

export function completion(index: WorkspaceIndex, uri: string, offset: number): CompletionList | undefined {
  const file = index.get(uri);
  if (!file || file.kind !== 'transcript') return undefined;
  const typed = typedCitation(file, offset);
  if (!typed) return undefined;
  const range = { start: file.lines.positionAt(typed.start), end: file.lines.positionAt(offset) };
  // The closing `]]` is looked for on the rest of the line: the pattern cannot go past a line break.
  const line = file.lines.positionAt(offset).line;
  const closing = file.slice(offset, line + 1 < file.lines.lineCount ? file.lines.lineStart(line + 1) : file.length).match(/^[^\[\]\s"]*\]\]/) ? '' : ']]';
  const loaded = index.constitutions();
  const several = loaded.length > 1;
  const hash = typed.text.indexOf('#');
  const wantedName = hash >= 0 ? typed.text.slice(0, hash) : undefined;
  const wantedId = hash >= 0 ? typed.text.slice(hash + 1) : typed.text;
  const items: CompletionItem[] = [];
  let order = 0;
  for (const { uri: constitutionUri, constitution } of loaded) {
    if (wantedName !== undefined && constitution.name !== wantedName) continue;
    for (const ref of index.clausesOf(constitutionUri).values()) {
      order++;
      if (!matches(wantedId, ref)) continue;
      const unique = index.clausesWithId(ref.clause.id).length === 1;
      const labels: Array<[string, string]> = [];
      if (wantedName === undefined && unique) labels.push([ref.clause.id, `0${pad(order)}`]);
      if (several || wantedName !== undefined || !unique) labels.push([`${constitution.name}#${ref.clause.id}`, `1${pad(order)}`]);
      for (const [label, sortText] of labels) items.push(item(ref, label, sortText, range, closing, typed.text));
    }
  }
  return { isIncomplete: false, items };
}

function item(
  ref: ClauseRef,
  label: string,
  sortText: string,
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
  closing: string,
  typed: string,
): CompletionItem {
  const place = clausePlace(ref.constitution, ref.clause);
  const preview = clausePreview(ref.clause, 300);
  const doc = [`**${escapeMarkdown(ref.clause.title)}**`, place ? `*${place}*` : '', preview].filter((s) => s !== '').join('\n\n');
  return {
    label,
    kind: CompletionItemKind.Reference,
    detail: ref.clause.title,
    documentation: { kind: MarkupKind.Markdown, value: doc },
    sortText,
    // The title takes part in filtering, so typing a word of the title finds the clause.
    filterText: typed.includes('#') || !label.includes('#') ? label : `${ref.clause.id} ${label}`,
    textEdit: { range, newText: label + closing },
  };
}

/** Whether a clause matches the typed id: a prefix of its id, of a word of its id, or of a word of its title. */
function matches(typed: string, ref: ClauseRef): boolean {
  if (typed === '') return true;
  const t = typed.toLowerCase();
  const id = ref.clause.id.toLowerCase();
  if (id.startsWith(t)) return true;
  return [...id.split(/[-_.:]+/), ...ref.clause.title.toLowerCase().split(/\W+/)].some((w) => w.startsWith(t));
}

/**
 * The id typed after the last `[[` before the cursor on its line, if the cursor is in one. In JSON
 * the `[[` must stand inside a string literal (an odd number of unescaped quotes before it on the
 * line, since JSON strings cannot span lines).
 */
function typedCitation(file: IndexedFile, offset: number): Typed | undefined {
  const lineStart = file.lines.lineStart(file.lines.positionAt(offset).line);
  // Only the line up to the cursor is read, so a keystroke in a large file copies no more than that.
  const before = file.slice(lineStart, offset);
  const open = before.lastIndexOf('[[', before.length - 2);
  if (open < 0) return undefined;
  const typed = before.slice(open + 2);
  if (/[\[\]\r\n"\\]/.test(typed) || (typed.match(/#/g)?.length ?? 0) > 1) return undefined;
  if (isJson(file) && !insideString(before, 0, open)) return undefined;
  return { start: lineStart + open + 2, text: typed };
}

function isJson(file: IndexedFile): boolean {
  return /\.jsonl?$/i.test(baseName(file.uri));
}

function insideString(text: string, from: number, to: number): boolean {
  let inside = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && inside) i++;
    else if (c === 34 /* " */) inside = !inside;
  }
  return inside;
}

function pad(n: number): string {
  return String(n).padStart(5, '0');
}
