/**
 * Code actions: on a flag, "Mark as reviewed…" (the client asks for the reason, then writes the
 * review note through {@link reviewEdit}), "Agree" and "Disagree" (a label note saying the turn
 * violates, or complies with, the flag's clause) and "Cite this clause" (a note citing the flag's
 * clause); on an assistant turn, "Label turn…" (the client asks for the clause and the verdict, then
 * writes the label through {@link labelEdit}); on a citation that does not resolve, the closest ids,
 * or `name#id` for each constitution that has it.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { Verdict } from '../labels/labels.ts';
import type { JsonlLineView } from '../transcript/jsonl.ts';
import type { Conversation, Turn } from '../transcript/model.ts';
import { baseName, type IndexedFile, type WorkspaceIndex } from '../workspace/index.ts';
import { noDetectorsCode, type CitationFixData } from './citations.ts';
import { draftPackName, draftPackText } from '../packs/draftPack.ts';
import type { FindingData } from './fileDiagnostics.ts';

/** The client command that asks for a reason and then requests {@link reviewEditRequest}. */
export const markReviewedCommand = 'constitutionLens.markReviewed';
/** The custom request that returns the edit writing a review note: params {@link ReviewEditParams}. */
export const reviewEditRequest = 'constitutionLens/reviewEdit';

/** The argument of {@link markReviewedCommand}: which flag to mark. */
export interface MarkReviewedArgs {
  readonly uri: string;
  readonly conversation: number;
  readonly turn: number;
  readonly rule: string;
}

export interface ReviewEditParams extends MarkReviewedArgs {
  readonly reason: string;
}

/** The client command that asks for a clause, a verdict and a reason, then requests {@link labelEditRequest}. */
export const labelTurnCommand = 'constitutionLens.labelTurn';
/** The custom request that returns the edit writing a label note: params {@link LabelEditParams}. */
export const labelEditRequest = 'constitutionLens/labelEdit';

/** The argument of {@link labelTurnCommand}: which turn to label. */
export interface LabelTurnArgs {
  readonly uri: string;
  readonly conversation: number;
  readonly turn: number;
}

export interface LabelEditParams extends LabelTurnArgs {
  readonly verdict: Verdict;
  /** The clause as a citation names it: `id`, or `name#id`. */
  readonly clause: string;
  /** The detector the verdict is about, when it is about one rule's flag. */
  readonly rule?: string;
  readonly reason?: string;
}

/**
 * The code actions at `range`: those of the flags in `diagnostics`, and "Label turn…" when the range
 * starts in an assistant turn.
 */
export function codeActions(index: WorkspaceIndex, uri: string, diagnostics: readonly Diagnostic[], range?: Range): CodeAction[] {
  const out: CodeAction[] = [];
  const cited = new Set<string>();
  const judged = new Set<string>();
  for (const diagnostic of diagnostics) {
    const data = diagnostic.data as FindingData | CitationFixData | undefined;
    if (data?.kind === 'finding') {
      const args: MarkReviewedArgs = { uri, conversation: data.conversation, turn: data.turn, rule: data.rule };
      out.push({
        title: `Mark “${data.rule}” as reviewed…`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: 'Mark as reviewed…', command: markReviewedCommand, arguments: [args] },
      });
      const clause = index.clausesOf(data.constitutionUri).get(data.principle);
      const name = clause && index.clausesWithId(data.principle).length > 1 ? `${clause.constitution.name}#${data.principle}` : data.principle;
      const flagKey = `${data.conversation}\u0000${data.turn}\u0000${data.rule}`;
      if (!judged.has(flagKey)) {
        judged.add(flagKey);
        for (const verdict of ['violates', 'complies'] as const) {
          const edit = labelEdit(index, { uri, conversation: data.conversation, turn: data.turn, verdict, clause: name, rule: data.rule });
          if (!edit) continue;
          out.push({
            title: verdict === 'violates' ? `Agree: violates ${name}` : `Disagree: complies with ${name}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit,
          });
        }
      }
      const key = `${data.conversation}\u0000${data.turn}\u0000${data.constitutionUri}\u0000${data.principle}`;
      if (cited.has(key)) continue;
      cited.add(key);
      const edit = noteEdit(index, uri, data.conversation, data.turn, `[[${name}]]`);
      if (edit) {
        out.push({
          title: `Cite this clause (${clause?.clause.title ?? data.principle}) in a note`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit,
        });
      }
    } else if (diagnostic.code === noDetectorsCode) {
      const action = createPackAction(index, uri, diagnostic);
      if (action) out.push(action);
    } else if (data?.kind === 'citation') {
      data.replacements.forEach((replacement, i) => {
        out.push({
          title: `Change to [[${replacement}]]`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: i === 0 && data.replacements.length === 1,
          edit: { changes: { [uri]: [{ range: data.replace, newText: replacement }] } },
        });
      });
    }
  }
  const at = range ? assistantTurnAt(index, uri, range) : undefined;
  if (at) {
    const args: LabelTurnArgs = { uri, ...at };
    out.push({ title: 'Label turn…', kind: CodeActionKind.Empty, command: { title: 'Label turn…', command: labelTurnCommand, arguments: [args] } });
  }
  return out;
}

/** The conversation and turn of the assistant turn where `range` starts, if it starts in one. */
function assistantTurnAt(index: WorkspaceIndex, uri: string, range: Range): { conversation: number; turn: number } | undefined {
  const file = index.get(uri);
  if (!file || file.kind !== 'transcript') return undefined;
  const offset = file.lines.offsetAt(range.start);
  const jsonl = index.jsonlLines(uri);
  // Asked at every move of the cursor: in a dataset, only the line under it is looked at.
  const candidates = jsonl ? lineConversations(jsonl.views(), offset) : { base: 0, index: 0, conversations: file.transcript?.conversations ?? [] };
  const at = offset - candidates.base;
  for (const c of candidates.conversations) {
    if (c.span.start > at || at > c.span.end) continue;
    for (const t of c.turns) if (t.role === 'assistant' && t.span.start <= at && at <= t.span.end) return { conversation: c.index + (jsonl ? candidates.index : 0), turn: t.index };
  }
  return undefined;
}

/** The conversations of the JSONL line holding `offset`, line-relative, with the line's start and index. */
function lineConversations(views: readonly JsonlLineView[], offset: number): { base: number; index: number; conversations: readonly Conversation[] } {
  let lo = 0;
  let hi = views.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (views[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const view = views[lo];
  return view && view.start <= offset ? { base: view.start, index: view.index, conversations: view.line.conversations } : { base: 0, index: 0, conversations: [] };
}

/**
 * The edit that records a label in a note on the turn: `violates [[clause]]` or `complies with
 * [[clause]]`, then the rule it is about and the reason, when given.
 */
export function labelEdit(index: WorkspaceIndex, params: LabelEditParams): WorkspaceEdit | undefined {
  const reason = params.reason?.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const verdict = params.verdict === 'violates' ? 'violates' : 'complies with';
  const line = `${verdict} [[${params.clause}]]${params.rule ? ` ${params.rule}` : ''}${reason ? `: ${reason}` : ''}`;
  return noteEdit(index, params.uri, params.conversation, params.turn, line);
}

/** On a constitution without detectors: create a rule pack beside it from the starter's detectors. */
function createPackAction(index: WorkspaceIndex, uri: string, diagnostic: Diagnostic): CodeAction | undefined {
  const constitution = index.get(uri)?.constitution;
  const ids = index.copyableDetectors();
  if (!constitution || ids.length === 0) return undefined;
  const packUri = uri.slice(0, uri.lastIndexOf('/') + 1) + encodeURIComponent(draftPackName(baseName(uri)));
  return {
    title: "Create a rule pack for this constitution from the starter's detectors",
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      documentChanges: [
        { kind: 'create', uri: packUri, options: { ignoreIfExists: true } },
        { textDocument: { uri: packUri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: draftPackText(constitution, ids) }] },
      ],
    },
  };
}

/** The edit that records `reviewed <rule>: <reason>` in a note on the turn. */
export function reviewEdit(
  index: WorkspaceIndex,
  uri: string,
  conversation: number,
  turn: number,
  rule: string,
  reason: string,
): WorkspaceEdit | undefined {
  const oneLine = reason.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return noteEdit(index, uri, conversation, turn, `reviewed ${rule}: ${oneLine}`);
}

/**
 * The edit that adds a line to a turn's notes. In a text or Markdown transcript it is a `Note:` line
 * after the turn; on a JSON message it is a line appended to its `note` string, or a new `note`
 * property; in a text transcript held in a JSON string (preference pairs) it is an escaped `Note:` line.
 */
export function noteEdit(index: WorkspaceIndex, uri: string, conversation: number, turn: number, line: string): WorkspaceEdit | undefined {
  const file = index.get(uri);
  const t = findTurn(file?.transcript?.conversations, conversation, turn);
  if (!file || !t) return undefined;
  const text = file.text;
  const insert = (offset: number, newText: string): WorkspaceEdit => {
    const position = file.lines.positionAt(offset);
    return { changes: { [uri]: [{ range: { start: position, end: position }, newText }] } };
  };
  const json = /\.jsonl?$/i.test(baseName(uri));
  if (json && text[t.span.start] === '{' && text[t.span.end - 1] === '}') {
    for (let i = t.notes.length - 1; i >= 0; i--) {
      const end = t.notes[i].text.toSource(t.notes[i].text.text.length);
      if (text[end] === '"') return insert(end, escapeJson(`\n${line}`));
    }
    return insert(...jsonProperty(text, t.span.end - 1, `"note": ${JSON.stringify(line)}`));
  }
  if (json) {
    const body = text.slice(t.span.start, t.span.end);
    const end = t.span.start + body.replace(/(?:\\[nrt]|\s)+$/, '').length;
    return insert(end, escapeJson(`\nNote: ${line}`));
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return insert(endOfContent(file, t), `${eol}Note: ${line}`);
}

function findTurn(conversations: readonly Conversation[] | undefined, conversation: number, turn: number): Turn | undefined {
  const c = conversations?.[conversation]?.index === conversation ? conversations[conversation] : conversations?.find((x) => x.index === conversation);
  return c?.turns[turn];
}

/** The end of a turn's last non-blank character. */
function endOfContent(file: IndexedFile, t: Turn): number {
  return t.span.start + file.text.slice(t.span.start, t.span.end).trimEnd().length;
}

/** Where and what to insert to add a property before the `}` at `close`, matching the object's layout. */
function jsonProperty(text: string, close: number, property: string): [number, string] {
  let last = close - 1;
  while (last >= 0 && /\s/.test(text[last])) last--;
  const comma = text[last] === '{' ? '' : ',';
  const gap = text.slice(last + 1, close);
  if (!gap.includes('\n')) return [last + 1, `${comma} ${property}`];
  const lineStart = text.lastIndexOf('\n', last) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return [last + 1, `${comma}\n${indent}${property}`];
}

function escapeJson(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}
