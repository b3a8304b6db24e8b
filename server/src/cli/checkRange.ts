/**
 * Checking a stretch of a JSONL file: the lines in a byte range of whole lines, each read into its
 * line report (`lineReport`, the editor's too), their problems and findings kept in file order with
 * positions counted from the range's first line (a whole transcript file makes the same kind of report, counted from its top). Lines
 * are read without metadata, which no check reads. `check` reads a JSONL file as a run of such
 * ranges, on its own thread or spread over worker threads (checkPool.ts), and writes their reports
 * in order, adding to each position the lines of the ranges before it; so a report is the same
 * however the file was cut and shared out.
 */
import { closeSync, openSync } from 'node:fs';
import type { Finding, Ruleset } from '../core/detectors/types.ts';
import type { Problem } from '../core/problem.ts';
import type { Span } from '../core/text.ts';
import { citationProblems } from '../core/features/citations.ts';
import type { ClauseTables } from '../core/workspace/clauseTables.ts';
import { lineReport, type LineReport } from '../core/workspace/lineReport.ts';
import { isBlankLine } from '../core/transcript/parse.ts';
import { readLineRange, type ByteRange } from './lineReader.ts';
import { noRoles, type ReportedFinding, type ReportedProblem, type ReportedRange, type RoleCounts } from './reportWriter.ts';

/** A finding or problem of a range: lines are counted from the range's first, conversations from its first record. */
export type RangeItem = { readonly finding: Omit<ReportedFinding, 'path'> } | { readonly problem: Omit<ReportedProblem, 'path'> };

/** What a range held, as plain data that a worker thread can post. */
export interface RangeReport {
  /** Lines read, blank ones included. */
  readonly lines: number;
  /** Lines that were not blank: each is a record, numbered through the file. */
  readonly records: number;
  readonly bytes: number;
  readonly conversations: number;
  readonly turns: number;
  /** Turns read, per role. */
  readonly roles: RoleCounts;
  /** Findings left out because a note on their turn marks them as reviewed. */
  readonly reviewed: number;
  readonly items: RangeItem[];
}

/**
 * A report's items and totals as they are gathered, from the lines of a range one by one or from a
 * whole file at once.
 */
export class ReportItems {
  readonly items: RangeItem[] = [];
  conversations = 0;
  turns = 0;
  readonly roles: RoleCounts = noRoles();
  reviewed = 0;

  /**
   * Adds a report (see {@link lineReport}): its parse problems first, then the problems of its
   * citations that name no clause of `tables`, then its findings; `rangeOf` gives a span's place, and
   * `conversation`, for a JSONL line's report, the record's rank that its findings carry.
   */
  add(report: LineReport, tables: ClauseTables, rangeOf: (span: Span) => ReportedRange, conversation?: number): void {
    for (const p of report.problems) this.items.push(problemItem(p, rangeOf));
    this.conversations += report.conversations.length;
    const roles = this.roles;
    for (const conversation of report.conversations) {
      const turns = conversation.turns;
      this.turns += turns.length;
      for (let i = 0; i < turns.length; i++) roles[turns[i].role]++;
    }
    if (report.citations.length > 0) for (const p of citationProblems(report.citations, tables)) this.items.push(problemItem(p, rangeOf));
    for (const f of report.findings) {
      if (f.reviewed) this.reviewed++;
      else this.items.push({ finding: reportedFinding(f, rangeOf(f.span), conversation ?? f.conversation) });
    }
  }

  /** The report, with the totals only the reader knows. */
  report(lines: number, records: number, bytes: number): RangeReport {
    return { lines, records, bytes, conversations: this.conversations, turns: this.turns, roles: this.roles, reviewed: this.reviewed, items: this.items };
  }
}

function problemItem(p: Problem, rangeOf: (span: Span) => ReportedRange): RangeItem {
  return { problem: { range: rangeOf(p.span), code: p.code, severity: p.severity, message: p.message } };
}

/** Reads and checks the lines of bytes `range` of the file at `path`. */
export function checkRange(path: string, range: ByteRange, ruleset: Ruleset, tables: ClauseTables): RangeReport {
  const gathered = new ReportItems();
  let records = 0;
  let lineNumber = 0;
  const rangeOf = (span: Span) => ({ start: { line: lineNumber, character: span.start }, end: { line: lineNumber, character: span.end } });
  const onLine = (line: string, number: number) => {
    if (isBlankLine(line)) return;
    lineNumber = number;
    gathered.add(lineReport(line, ruleset, { withoutMeta: true }), tables, rangeOf, records++);
  };
  const fd = openSync(path, 'r');
  try {
    const totals = readLineRange(fd, range, onLine);
    return gathered.report(totals.lines, records, totals.bytes);
  } finally {
    closeSync(fd);
  }
}

/** A finding as a report gives it, but for its path, at `range`. */
function reportedFinding(f: Finding, range: ReportedRange, conversation: number): Omit<ReportedFinding, 'path'> {
  return {
    range,
    conversation,
    turn: f.turn,
    role: f.role,
    principle: f.principle,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    constitution: f.constitution,
  };
}

/** `range` moved down by `lines` lines. */
export function linesDown(range: ReportedRange, lines: number): ReportedRange {
  if (lines === 0) return range;
  return {
    start: { line: range.start.line + lines, character: range.start.character },
    end: { line: range.end.line + lines, character: range.end.character },
  };
}
