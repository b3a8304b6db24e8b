/**
 * Code actions: on a flag, "Mark as reviewed…" (the client asks for the reason, then writes the
 * review note through {@link reviewEdit}) and "Cite this clause" (a note citing the flag's clause);
 * on a citation that does not resolve, the closest ids, or `name#id` for each constitution that has it.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { Conversation, Turn } from '../transcript/model.ts';
import { baseName, type IndexedFile, type WorkspaceIndex } from '../workspace/index.ts';
import type { CitationFixData } from './citations.ts';
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

export function codeActions(index: WorkspaceIndex, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const cited = new Set<string>();
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
      const key = `${data.conversation}\u0000${data.turn}\u0000${data.constitutionUri}\u0000${data.principle}`;
      if (cited.has(key)) continue;
      cited.add(key);
      const clause = index.clausesOf(data.constitutionUri).get(data.principle);
      const name = clause && index.clausesWithId(data.principle).length > 1 ? `${clause.constitution.name}#${data.principle}` : data.principle;
      const edit = noteEdit(index, uri, data.conversation, data.turn, `[[${name}]]`);
      if (edit) {
        out.push({
          title: `Cite this clause (${clause?.clause.title ?? data.principle}) in a note`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit,
        });
      }
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
  return out;
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
