/**
 * The reading view's data: a transcript's conversations as turns, each with its blocks, notes,
 * labels and flags, every flag with the clause it cites, its place in the constitution, its exact
 * range in the source and its offsets in the text of the block it is in, so that the view highlights
 * exactly the words the editor underlines. A dataset (a JSONL file, or a file of many conversations)
 * is also a list of summary rows, read a page at a time so that the first page of a large file costs
 * only its first lines.
 */
import type { Range } from 'vscode-languageserver-types';
import type { Finding } from '../detectors/types.ts';
import { labelsOfNote, recordLabel, type Label } from '../labels/labels.ts';
import type { Severity } from '../problem.ts';
import type { MappedText } from '../text.ts';
import type { Conversation, ContentBlock, Turn } from '../transcript/model.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { placeFinding } from '../workspace/jsonlLines.ts';
import { priorityStanding } from './findingHover.ts';

/** What a block of a turn is, as the view shows it: messages open, the rest collapsible. */
export const BlockKind = {
  message: 'message',
  toolCall: 'tool_call',
  toolResult: 'tool_result',
  reasoning: 'reasoning',
  other: 'other',
} as const;
export type BlockKind = (typeof BlockKind)[keyof typeof BlockKind];

/** A flag of the detectors, as the view highlights it. */
export interface FlagView {
  readonly rule: string;
  /** The clause id. */
  readonly clause: string;
  /** The clause as a citation names it: `id`, or `name#id` where several constitutions have the id. */
  readonly cite: string;
  readonly clauseTitle?: string;
  readonly constitution: string;
  readonly constitutionUri: string;
  /** The clause's range in its constitution, for opening it. */
  readonly clauseRange?: Range;
  /** The clause's place among its constitution's clauses, from 1, and how many there are. */
  readonly clauseOrder?: number;
  readonly clauseCount?: number;
  /** Where the clause stands in the constitution's order of priority, in words. */
  readonly standing?: string;
  readonly severity: Severity;
  readonly message: string;
  /** Exactly the flagged words in the source. */
  readonly range: Range;
  /** The block whose text holds the words, or -1 when no block's text does. */
  readonly block: number;
  /** Offsets of the words in that block's text. */
  readonly start: number;
  readonly end: number;
  /** The reason of the review note that marks the flag as reviewed; the editor hides such flags. */
  readonly reviewed?: string;
}

/** A content block of a turn: its kind, its readable text and its range. */
export interface BlockView {
  readonly kind: BlockKind;
  /** The block's type as the source names it (`text`, `tool_use`, `thinking`, ...). */
  readonly type: string;
  /** The tool's name, for tool calls. */
  readonly name?: string;
  readonly text: string;
  readonly range: Range;
}

/** A citation `[[id]]` in a note, with the title of the clause it names, when it names one in use. */
export interface CitationView {
  readonly id: string;
  readonly constitution?: string;
  /** The clause's title, when the citation names a clause in use. */
  readonly title?: string;
  readonly range: Range;
}

/** A note on a turn: its text, its range and its citations. */
export interface NoteView {
  readonly text: string;
  readonly range: Range;
  readonly citations: readonly CitationView[];
}

/** A reviewer's verdict written on the turn: a label note, or a review of a flag. */
export interface LabelView {
  readonly verdict: 'violates' | 'complies';
  readonly source: 'note' | 'review' | 'record';
  readonly clause?: string;
  readonly rule?: string;
  readonly reason: string;
  readonly range?: Range;
}

/** A turn as the view shows it: its blocks, notes, labels and flags. */
export interface TurnView {
  readonly index: number;
  readonly role: string;
  /** The role as the file writes it. */
  readonly roleLabel: string;
  readonly range: Range;
  readonly blocks: readonly BlockView[];
  readonly notes: readonly NoteView[];
  readonly labels: readonly LabelView[];
  readonly flags: readonly FlagView[];
}

/** A conversation as the view shows it, with what the file says of it (title, id, side, label, judge). */
export interface ConversationView {
  /** The conversation's index, as findings and labels count it. */
  readonly index: number;
  readonly id?: string;
  readonly title?: string;
  readonly side?: 'chosen' | 'rejected';
  /** A labelled record's label, and the turn it judges. */
  readonly label?: string;
  readonly targetTurn?: number;
  readonly judge?: string;
  readonly range: Range;
  readonly turns: readonly TurnView[];
}

/** One entry of a document (a JSONL line, or a conversation of any other file) as the view shows it. */
export interface EntryView {
  readonly uri: string;
  readonly version: number;
  readonly format: string;
  /** Whether the document is a list of entries (a dataset) rather than one conversation. */
  readonly dataset: boolean;
  /** The entry shown: for JSONL the index among non-blank lines, otherwise of the conversation. */
  readonly entry: number;
  /** The entry's conversations: one, or the two sides of a preference pair. */
  readonly conversations: readonly ConversationView[];
  /** What kept the document from being read, in words, when nothing could be shown. */
  readonly problem?: string;
}

/** How many flags of each severity. */
export type SeverityCounts = { readonly [S in Severity]: number };

/** A dataset's entry as its list shows it. */
export interface ConversationRow {
  readonly entry: number;
  /** The line the entry starts on, as LSP counts lines. */
  readonly line: number;
  /** The conversation's title or id, else the first words of its first user turn. */
  readonly title: string;
  readonly turns: number;
  /** Open flags (not reviewed) by severity. */
  readonly flags: SeverityCounts;
  /** The clause ids and the rules of its open flags. */
  readonly clauses: readonly string[];
  readonly rules: readonly string[];
  /** Whether a reviewer labelled or reviewed it (in a note, or in the record's fields). */
  readonly labelled: boolean;
}

/** A page of a document's rows, from `start`; `next` is where the next page starts, absent at the end. */
export interface ConversationPage {
  readonly uri: string;
  readonly version: number;
  readonly dataset: boolean;
  readonly start: number;
  readonly rows: readonly ConversationRow[];
  readonly next?: number;
}

/** Which rows a page holds: those whose turns hold `text` (case-insensitive), when given. */
export interface RowFilter {
  readonly text?: string;
}

/**
 * The severities the editor gives flags, by rule: the settings' overrides with the reviewers'
 * demotions (`off` leaves the rule's flags out), so the view counts and colours flags as the
 * Problems panel does.
 */
export interface ViewOptions {
  readonly severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
}

/** An entry's conversations with their source offsets: a JSONL line's are line-relative, from `base`. */
interface Entry {
  readonly base: number;
  /** What to add to a conversation's index: a JSONL line's conversations are numbered from 0 within it. */
  readonly shift: number;
  readonly conversations: readonly Conversation[];
  readonly findings: readonly Finding[];
  /** The range of a source span of the entry, in LSP terms. */
  range(start: number, end: number): Range;
  /** The line the entry starts on. */
  readonly line: number;
}

const titleLength = 80;

/** How far the view looks for a first entry with turns, when none is asked for. */
const firstEntryReach = 1000;

/**
 * The reading view of one entry of a document (without `entry`, the first that holds a turn, as a
 * dataset may start with a line of metadata), or undefined when the index does not hold the document
 * as a transcript.
 */
export function entryView(index: WorkspaceIndex, uri: string, asked?: number, options: ViewOptions = {}): EntryView | undefined {
  const file = index.get(uri);
  if (!file || file.kind !== 'transcript') return undefined;
  const source = entries(index, uri, options);
  let shown = asked ?? 0;
  let at: Entry | undefined;
  if (asked === undefined) {
    for (let k = 0; k < firstEntryReach; k++) {
      const candidate = source.entry(k);
      if (!candidate) break;
      if (candidate.conversations.some((c) => c.turns.length > 0)) {
        shown = k;
        at = candidate;
        break;
      }
    }
  }
  at ??= source.entry(shown);
  if (!at) {
    shown = 0;
    at = source.entry(0);
  }
  // A JSONL file's format is its entry's: naming the whole file's would read every line.
  const format = (index.jsonlLines(uri) ? at?.conversations[0]?.format : file.transcript?.format) ?? 'unknown';
  const base = { uri, version: file.version, format, dataset: source.dataset };
  if (!at || at.conversations.every((c) => c.turns.length === 0)) {
    const problem = index.transcriptProblems(uri)[0]?.message ?? 'The file holds no conversation this extension reads.';
    return { ...base, entry: 0, conversations: [], problem };
  }
  return { ...base, entry: shown, conversations: at.conversations.map((c) => conversationView(index, at, c)) };
}

/**
 * A page of a document's rows from `start`: at most `count` rows, and (with a text filter) at most
 * a bounded number of entries read, so that a page of a filtered list also answers promptly.
 */
export function conversationPage(index: WorkspaceIndex, uri: string, start: number, count: number, filter: RowFilter = {}, options: ViewOptions = {}): ConversationPage | undefined {
  const file = index.get(uri);
  if (!file || file.kind !== 'transcript') return undefined;
  const source = entries(index, uri, options);
  const needle = filter.text?.trim().toLowerCase();
  const rows: ConversationRow[] = [];
  const readLimit = needle ? Math.max(count, 1) * 50 : count;
  let k = Math.max(0, start);
  let read = 0;
  for (; rows.length < count && read < readLimit; k++, read++) {
    const at = source.entry(k);
    if (!at) return { uri, version: file.version, dataset: source.dataset, start, rows };
    if (needle && !at.conversations.some((c) => holdsText(c, needle))) continue;
    rows.push(row(k, at));
  }
  return { uri, version: file.version, dataset: source.dataset, start, rows, ...(source.entry(k) ? { next: k } : {}) };
}

/** The entries of a document: a JSONL file's non-blank lines, read as far as asked, or the conversations of any other. */
function entries(index: WorkspaceIndex, uri: string, options: ViewOptions): { dataset: boolean; entry(k: number): Entry | undefined } {
  const shown = editorFindings(options);
  const jsonl = index.jsonlLines(uri);
  if (jsonl) {
    const ruleset = index.ruleset();
    const second = jsonl.viewAt(1);
    return {
      dataset: second !== undefined,
      entry(k) {
        const view = k >= 0 ? jsonl.viewAt(k) : undefined;
        if (!view) return undefined;
        // A JSONL line holds no line break, so its places are its row and the distance from its start:
        // the whole file's line index, which a large file makes slowly, is not needed.
        const { start, row } = view;
        const range = (from: number, to: number): Range => ({ start: { line: row, character: from - start }, end: { line: row, character: to - start } });
        return { base: start, shift: view.index, conversations: view.line.conversations, findings: shown(jsonl.report(view, ruleset).findings.map((f) => placeFinding(f, start, view.index))), range, line: row };
      },
    };
  }
  const file = index.get(uri);
  const conversations = file?.transcript?.conversations ?? [];
  // Grouped once by conversation, so that a page of a file of many conversations reads its findings once.
  const byConversation = new Map<number, Finding[]>();
  for (const f of shown(index.findings(uri))) {
    const list = byConversation.get(f.conversation);
    if (list) list.push(f);
    else byConversation.set(f.conversation, [f]);
  }
  const range = (start: number, end: number) => file!.lines.rangeOf({ start, end });
  return {
    dataset: conversations.length > 1,
    entry(k) {
      const c = conversations[k];
      if (!c) return undefined;
      return { base: 0, shift: 0, conversations: [c], findings: (byConversation.get(c.index) ?? []).filter((f) => f.span.start >= c.span.start && f.span.end <= c.span.end), range, line: file!.lines.positionAt(c.span.start).line };
    },
  };
}

/** The findings as the editor shows them: with the overridden severities, and none of a rule turned off. */
function editorFindings(options: ViewOptions): (findings: readonly Finding[]) => readonly Finding[] {
  const overrides = options.severityOverrides;
  if (!overrides || Object.keys(overrides).length === 0) return (findings) => findings;
  return (findings) => {
    const out: Finding[] = [];
    for (const f of findings) {
      const override = overrides[f.rule];
      if (override === 'off') continue;
      out.push(override && override !== f.severity ? { ...f, severity: override } : f);
    }
    return out;
  };
}

function conversationView(workspace: WorkspaceIndex, entry: Entry, c: Conversation): ConversationView {
  const base = entry.base;
  const index = c.index + entry.shift;
  const range = (start: number, end: number) => entry.range(base + start, base + end);
  const turns = c.turns.map((t): TurnView => {
    const findings = turnFindings(entry, c, t);
    const labels: LabelView[] = [];
    for (const note of t.notes) {
      for (const l of labelsOfNote(note, { conversation: index, turn: t.index })) labels.push(labelView(l, range));
    }
    const record = c.label !== undefined ? recordLabel(c, c.label, c.principleHint) : undefined;
    if (record && record.turn === t.index) labels.push(labelView(record, range));
    return {
      index: t.index,
      role: t.role,
      roleLabel: t.roleLabel,
      range: range(t.span.start, t.span.end),
      blocks: t.blocks.map((b) => ({ kind: blockKind(b), type: b.type, ...(b.name ? { name: b.name } : {}), text: b.text.text, range: range(b.span.start, b.span.end) })),
      notes: t.notes.map((n) => ({
        text: n.text.text,
        range: range(n.span.start, n.span.end),
        citations: n.citations.map((ct) => {
          const resolved = workspace.resolveCitation(ct);
          return {
            id: ct.id,
            ...(ct.constitution ? { constitution: ct.constitution } : {}),
            ...(resolved.kind === 'ok' ? { title: resolved.clause.title } : {}),
            range: range(ct.span.start, ct.span.end),
          };
        }),
      })),
      labels,
      flags: findings.map((f) => flagView(workspace, entry, t, f)),
    };
  });
  return {
    index,
    ...(c.id !== undefined ? { id: c.id } : {}),
    ...(c.title !== undefined ? { title: c.title } : {}),
    ...(c.side ? { side: c.side } : {}),
    ...(c.label !== undefined ? { label: c.label } : {}),
    ...(c.targetTurn !== undefined ? { targetTurn: c.targetTurn } : {}),
    ...(c.judge !== undefined ? { judge: c.judge } : {}),
    range: range(c.span.start, c.span.end),
    turns,
  };
}

/** The findings of a turn: its conversation's and turn's, within its span (the two sides of a pair share an index). */
function turnFindings(entry: Entry, c: Conversation, t: Turn): Finding[] {
  const start = entry.base + t.span.start;
  const end = entry.base + t.span.end;
  return entry.findings.filter((f) => f.turn === t.index && f.span.start >= start && f.span.end <= end);
}

function flagView(index: WorkspaceIndex, entry: Entry, t: Turn, f: Finding): FlagView {
  const base = entry.base;
  const ref = index.clausesOf(f.constitutionUri).get(f.principle);
  const constitution = ref?.constitution;
  const order = constitution && ref ? constitution.clauses.indexOf(ref.clause) : -1;
  const several = index.clausesWithId(f.principle).length > 1;
  const clauseFile = index.get(f.constitutionUri);
  let block = -1;
  let start = 0;
  let end = 0;
  for (let b = 0; b < t.blocks.length; b++) {
    const within = decodedRange(t.blocks[b].text, f.span.start - base, f.span.end - base);
    if (within) {
      [block, start, end] = [b, within[0], within[1]];
      break;
    }
  }
  const standing = constitution && ref ? priorityStanding(constitution, ref.clause)?.replace(/\*\*/g, '') : undefined;
  return {
    rule: f.rule,
    clause: f.principle,
    cite: several && constitution ? `${constitution.name}#${f.principle}` : f.principle,
    ...(ref ? { clauseTitle: ref.clause.title } : {}),
    constitution: f.constitution,
    constitutionUri: f.constitutionUri,
    ...(ref && clauseFile ? { clauseRange: clauseFile.lines.rangeOf(ref.clause.headingSpan) } : {}),
    ...(order >= 0 && constitution ? { clauseOrder: order + 1, clauseCount: constitution.clauses.length } : {}),
    ...(standing ? { standing } : {}),
    severity: f.severity,
    message: f.message,
    range: entry.range(f.span.start, f.span.end),
    block,
    start,
    end,
    ...(f.reviewed ? { reviewed: f.reviewed.reason } : {}),
  };
}

/**
 * The decoded offsets `[a, b)` of a text whose source range is `[start, end)`, or undefined when the
 * range is not within the text. `toSource` never decreases, so each end is found by bisection.
 */
export function decodedRange(text: MappedText, start: number, end: number): [number, number] | undefined {
  const n = text.text.length;
  if (start < text.toSource(0) || end > text.toSource(n) || start > end) return undefined;
  const first = (target: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (text.toSource(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const a = first(start);
  const b = first(end);
  return text.toSource(a) === start && text.toSource(b) === end ? [a, b] : undefined;
}

function labelView(l: Label, range: (start: number, end: number) => Range): LabelView {
  return {
    verdict: l.verdict,
    source: l.source,
    ...(l.clause ? { clause: l.constitution ? `${l.constitution}#${l.clause}` : l.clause } : {}),
    ...(l.rule ? { rule: l.rule } : {}),
    reason: l.reason,
    ...(l.span ? { range: range(l.span.start, l.span.end) } : {}),
  };
}

function blockKind(b: ContentBlock): BlockKind {
  const type = b.type.toLowerCase();
  if (type === 'text') return BlockKind.message;
  if (type === 'tool_call' || type === 'tool_use' || type === 'function_call' || type === 'server_tool_use') return BlockKind.toolCall;
  if (type === 'tool_result' || type === 'function_call_output' || type.endsWith('_tool_result')) return BlockKind.toolResult;
  if (type === 'reasoning' || type === 'thinking' || type === 'redacted_thinking') return BlockKind.reasoning;
  return BlockKind.other;
}

function row(k: number, at: Entry): ConversationRow {
  const flags = { error: 0, warning: 0, info: 0, hint: 0 };
  const clauses = new Set<string>();
  const rules = new Set<string>();
  for (const f of at.findings) {
    if (f.reviewed) continue;
    flags[f.severity]++;
    clauses.add(f.principle);
    rules.add(f.rule);
  }
  let labelled = false;
  let turns = 0;
  for (const c of at.conversations) {
    turns += c.turns.length;
    if (c.label !== undefined) labelled = true;
    for (const t of c.turns) for (const n of t.notes) if (!labelled && labelsOfNote(n, { conversation: c.index, turn: t.index }).length > 0) labelled = true;
  }
  return { entry: k, line: at.line, title: titleOf(at.conversations), turns, flags, clauses: [...clauses], rules: [...rules], labelled };
}

function titleOf(conversations: readonly Conversation[]): string {
  const c = conversations[0];
  if (!c) return '';
  if (c.title) return c.title;
  const user = c.turns.find((t) => t.role === 'user') ?? c.turns[0];
  const text = user?.blocks.find((b) => b.type === 'text')?.text.text.replace(/\s+/g, ' ').trim() ?? '';
  const words = text.length > titleLength ? `${text.slice(0, titleLength - 1).trimEnd()}…` : text;
  return words || c.id || '';
}

function holdsText(c: Conversation, needle: string): boolean {
  if (c.title?.toLowerCase().includes(needle) || c.id?.toLowerCase().includes(needle)) return true;
  return c.turns.some((t) => t.blocks.some((b) => b.text.text.toLowerCase().includes(needle)) || t.notes.some((n) => n.text.text.toLowerCase().includes(needle)));
}
