/**
 * Checking a stretch of a JSONL file: the lines in a byte range of whole lines, each read into its
 * line report (`lineReport`, the editor's too) and placed where it falls in the file, its problems
 * and findings turned into the report's text as they come (a whole transcript file makes the same
 * kind of part, counted from its top). Lines are read without metadata, which no check reads.
 * `check` reads a JSONL file as a run of such ranges, on its own thread or spread over worker threads
 * (checkPool.ts), each told the lines and records of the file before it, and writes their parts in
 * order; so a report is the same however the file was cut and shared out.
 */
import { closeSync, openSync } from 'node:fs';
import type { Ruleset } from '../core/detectors/types.ts';
import type { Problem } from '../core/problem.ts';
import type { Span } from '../core/text.ts';
import { citationProblems } from '../core/features/citations.ts';
import type { ClauseTables } from '../core/workspace/clauseTables.ts';
import { lineReport, type LineReport } from '../core/workspace/lineReport.ts';
import { isBlankLine } from '../core/transcript/parse.ts';
import { readLineRange, type ByteRange } from './lineReader.ts';
import { PartBuilder, type ReportPart } from './reportPart.ts';
import { noRoles, type Format, type ReportedFinding, type ReportedProblem, type ReportedRange, type RoleCounts } from './reportWriter.ts';

/**
 * Where a report's part falls in the report: the path it names, the lines and records before it in
 * its file (for a JSONL range; a whole transcript is counted from its top), and in an `.eval` log the
 * sample's entry.
 */
export interface Place {
  readonly path: string;
  /** Lines of the file before the part's first: added to each line the part reports. */
  readonly line: number;
  /** Records (non-blank lines) before it, or an `.eval` sample's rank: added to each conversation. */
  readonly record: number;
  readonly sample?: string;
}

/** What a range held: its report's part and its totals, as plain data that a worker thread can post. */
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
  /** Its problems and findings, in the report's format, placed. */
  readonly part: ReportPart;
}

/**
 * A report's part and totals as they are gathered, from the lines of a range one by one or from a
 * whole file at once, each problem and finding placed and turned into the report's text as it comes.
 */
export class ReportItems {
  readonly #part: PartBuilder;
  readonly #place: Place;
  readonly #tables: ClauseTables;
  conversations = 0;
  turns = 0;
  readonly roles: RoleCounts = noRoles();
  reviewed = 0;

  /** `tables` are the clauses that citations are resolved against. */
  constructor(format: Format, place: Place, tables: ClauseTables) {
    this.#part = new PartBuilder(format);
    this.#place = place;
    this.#tables = tables;
  }

  /**
   * Adds a report (see {@link lineReport}): its parse problems first, then the problems of its
   * citations that name no clause of the tables, then its findings; `rangeOf` gives a span's place in
   * the part, and `record`, for a JSONL line's report, the line's rank among the part's records,
   * which its findings carry as their conversation.
   */
  add(report: LineReport, rangeOf: (span: Span) => ReportedRange, record?: number): void {
    for (const p of report.problems) this.#problem(p, rangeOf);
    this.conversations += report.conversations.length;
    const roles = this.roles;
    for (const conversation of report.conversations) {
      const turns = conversation.turns;
      this.turns += turns.length;
      for (let i = 0; i < turns.length; i++) roles[turns[i].role]++;
    }
    if (report.citations.length > 0) for (const p of citationProblems(report.citations, this.#tables)) this.#problem(p, rangeOf);
    const place = this.#place;
    for (const f of report.findings) {
      if (f.reviewed) {
        this.reviewed++;
        continue;
      }
      const finding: ReportedFinding = {
        path: place.path,
        range: placed(rangeOf(f.span), place.line),
        conversation: (record ?? f.conversation) + place.record,
        turn: f.turn,
        role: f.role,
        principle: f.principle,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        constitution: f.constitution,
      };
      this.#part.finding(place.sample === undefined ? finding : { ...finding, sample: place.sample });
    }
  }

  /** The report, with the totals only the reader knows. */
  report(lines: number, records: number, bytes: number): RangeReport {
    return { lines, records, bytes, conversations: this.conversations, turns: this.turns, roles: this.roles, reviewed: this.reviewed, part: this.#part.part() };
  }

  #problem(p: Problem, rangeOf: (span: Span) => ReportedRange): void {
    const place = this.#place;
    const problem: ReportedProblem = { path: place.path, range: placed(rangeOf(p.span), place.line), code: p.code, severity: p.severity, message: p.message };
    this.#part.problem(place.sample === undefined ? problem : { ...problem, sample: place.sample });
  }
}

/**
 * Reads and checks the lines of bytes `range` of the file at `path`, which falls in the report at
 * `place`, and makes their part of the report in `format`.
 */
export function checkRange(path: string, range: ByteRange, place: Place, format: Format, ruleset: Ruleset, tables: ClauseTables): RangeReport {
  const gathered = new ReportItems(format, place, tables);
  let records = 0;
  let lineNumber = 0;
  const rangeOf = (span: Span) => ({ start: { line: lineNumber, character: span.start }, end: { line: lineNumber, character: span.end } });
  const onLine = (line: string, number: number) => {
    if (isBlankLine(line)) return;
    lineNumber = number;
    gathered.add(lineReport(line, ruleset, { withoutMeta: true }), rangeOf, records++);
  };
  const fd = openSync(path, 'r');
  try {
    const totals = readLineRange(fd, range, onLine);
    return gathered.report(totals.lines, records, totals.bytes);
  } finally {
    closeSync(fd);
  }
}

/** `range` moved down by `lines` lines. */
function placed(range: ReportedRange, lines: number): ReportedRange {
  if (lines === 0) return range;
  return {
    start: { line: range.start.line + lines, character: range.start.character },
    end: { line: range.end.line + lines, character: range.end.character },
  };
}
