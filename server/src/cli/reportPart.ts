/**
 * A part of a `check` report: the findings and problems of one range of a JSONL file, or of one
 * whole transcript, already turned into the report's own text by the thread that checked them. The
 * command's thread then only writes parts in file order; no finding crosses between threads as an
 * object, and none is built twice. A part's text is what the writer of its format would have made of
 * the same findings one by one, so a report is the same whichever thread made each part.
 */
import type { Severity } from '../core/problem.ts';
import type { Format, ReportedFinding, ReportedProblem } from './reportWriter.ts';

/** Findings of a part, per severity. */
export type SeverityCounts = Record<Severity, number>;

/** A part of a report, as plain data that a worker thread can post. */
export interface ReportPart {
  /**
   * The text to write where the part falls, in pieces to write one after another: for `text`, a line
   * per problem and finding in the order they came; for `json`, the findings, each after a comma; for
   * `sarif`, nothing. A worker thread posts the pieces as UTF-8 bytes, whose memory is handed to the
   * command's thread rather than copied, and freed as soon as they are written.
   */
  readonly text: readonly (string | Uint8Array)[];
  /** For `json`, the problems, each as JSON, for their place after every finding. */
  readonly problems: string[];
  /** For `sarif`, whose rules table is built from every finding, the findings and problems themselves. */
  readonly kept?: { readonly findings: ReportedFinding[]; readonly problems: ReportedProblem[] };
  /** How many problems the part holds. */
  readonly problemCount: number;
  /** How many findings it holds, per severity. */
  readonly severities: SeverityCounts;
}

/**
 * How long a piece of a part's text grows before a new one is started. Pieces stay small enough to be
 * collected young once written: a part held whole as one string, hundreds of kilobytes, went to the
 * old generation and lifted peak memory until the next full collection.
 */
const pieceLength = 1 << 14;

/** Gathers a part of a report in the report's format, one finding or problem at a time, in order. */
export class PartBuilder {
  readonly #format: Format;
  readonly #pieces: string[] = [];
  #piece = '';
  readonly #problems: string[] = [];
  readonly #kept: { findings: ReportedFinding[]; problems: ReportedProblem[] } | undefined;
  #problemCount = 0;
  readonly #severities: SeverityCounts = { error: 0, warning: 0, info: 0, hint: 0 };

  constructor(format: Format) {
    this.#format = format;
    this.#kept = format === 'sarif' ? { findings: [], problems: [] } : undefined;
  }

  finding(f: ReportedFinding): void {
    this.#severities[f.severity]++;
    if (this.#format === 'json') this.#add(`,${JSON.stringify(f)}`);
    else if (this.#format === 'text') this.#add(`${at(f)}: ${f.severity}: ${f.message} [${f.constitution}#${f.principle} ${f.rule}]\n`);
    else this.#kept!.findings.push(f);
  }

  problem(p: ReportedProblem): void {
    this.#problemCount++;
    if (this.#format === 'json') this.#problems.push(JSON.stringify(p));
    else if (this.#format === 'text') this.#add(`${at(p)}: ${p.severity}: ${p.message} [${p.code}]\n`);
    else this.#kept!.problems.push(p);
  }

  /** The part gathered so far. */
  part(): ReportPart {
    const text = this.#piece.length > 0 ? [...this.#pieces, this.#piece] : this.#pieces;
    const part = { text, problems: this.#problems, problemCount: this.#problemCount, severities: this.#severities };
    return this.#kept ? { ...part, kept: this.#kept } : part;
  }

  #add(text: string): void {
    this.#piece += text;
    if (this.#piece.length >= pieceLength) {
      this.#pieces.push(this.#piece);
      this.#piece = '';
    }
  }
}

/** `path:line:column`; in an `.eval` log, `path!samples/9_epoch_1.json:line:column`, the place in the sample's view. */
function at(p: ReportedFinding | ReportedProblem): string {
  return `${p.path}${p.sample ? `!${p.sample}` : ''}:${p.range.start.line + 1}:${p.range.start.character + 1}`;
}

/** `part` with its text as UTF-8 bytes, for a worker to post with the bytes' memory moved (`transfer`). */
export function encodedPart(part: ReportPart, encoder: TextEncoder): { part: ReportPart; transfer: ArrayBuffer[] } {
  const text = part.text.map((piece) => (typeof piece === 'string' ? encoder.encode(piece) : piece));
  return { part: { ...part, text }, transfer: text.map((bytes) => bytes.buffer as ArrayBuffer) };
}
