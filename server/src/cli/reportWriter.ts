/**
 * The output of `constitution-lens check`, written as the findings come in rather than held to the
 * end, so that memory does not grow with the size of the input. Text and JSON stream; SARIF, whose
 * rules table is built from every finding, is kept whole and written at the end.
 */
import { once } from 'node:events';
import type { LoadedConstitution } from '../core/detectors/types.ts';
import type { Severity } from '../core/problem.ts';
import type { Role } from '../core/transcript/model.ts';
import { PartBuilder, type ReportPart } from './reportPart.ts';
import { toSarif } from './sarif.ts';

export const Format = { text: 'text', json: 'json', sarif: 'sarif' } as const;
export type Format = (typeof Format)[keyof typeof Format];

/** A 0-based LSP range. */
export interface ReportedRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

/** A finding as the CLI reports it: a path and a 0-based LSP range. */
export interface ReportedFinding {
  readonly path: string;
  readonly range: ReportedRange;
  readonly conversation: number;
  readonly turn: number;
  readonly role: string;
  readonly principle: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** The constitution's name, for `[[name#id]]` and SARIF rule ids. */
  readonly constitution: string;
  /** In an Inspect `.eval` log, the sample's entry (`samples/9_epoch_1.json`): the range is in its view. */
  readonly sample?: string;
}

/** A problem with an input (a constitution or a transcript) as the CLI reports it. */
export interface ReportedProblem {
  readonly path: string;
  readonly range: ReportedRange;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** In an Inspect `.eval` log, the sample's entry: the range is in its view. */
  readonly sample?: string;
}

/** Turns read, per role. */
export type RoleCounts = Record<Role, number>;

/** A constitution a check used. */
export interface UsedConstitution {
  readonly name: string;
  readonly path: string;
  /** Set when no constitution was given or found, and the bundled starter stood in. */
  readonly starter?: true;
}

/** A file of a folder walk that was not read as a transcript, and why. */
export interface SkippedFile {
  /** The file's path, or a folder's, which ends with `/`. */
  readonly path: string;
  readonly reason: string;
  /** Set when a `.gitignore` rule left the file or folder out (`--no-ignore` reads it). */
  readonly ignored?: true;
}

/** The totals at the end of a report. */
export interface CheckStats {
  files: number;
  conversations: number;
  turns: number;
  roles: RoleCounts;
  bytes: number;
  ms: number;
  reviewed: number;
  constitutions: UsedConstitution[];
  skipped: SkippedFile[];
}

/** Counts of zero for every role. */
export function noRoles(): RoleCounts {
  return { system: 0, developer: 0, user: 0, assistant: 0, tool: 0 };
}

/** A whole report, as SARIF is built from it. */
export interface CheckReport {
  findings: ReportedFinding[];
  problems: ReportedProblem[];
  stats: CheckStats;
}

/** Where a check's results go, part by part (see {@link ReportPart}), in order, as they are found. */
export interface ReportWriter {
  /** The format parts are to be made in. */
  readonly format: Format;
  /** Writes a part made in {@link ReportWriter.format}, where it falls. */
  part(part: ReportPart): void;
  /** A problem of its own (a constitution's), written as a part of one. */
  problem(problem: ReportedProblem): void;
  /** A finding of its own, written as a part of one. */
  finding(finding: ReportedFinding): void;
  /** While the output is behind, a promise that settles when it has caught up; reading waits on it. */
  backlog(): Promise<void> | undefined;
  /** Writes the end of the report and flushes it; SARIF describes its rules from the constitutions. */
  end(stats: CheckStats, constitutions: readonly LoadedConstitution[]): void;
}

/**
 * Collects small writes into chunks of about 64 KiB, so that a report of millions of findings costs
 * few system calls, and remembers when the stream asked for a pause. A text of a chunk or more, and
 * bytes (a part a worker thread made), go out as they are, after what was gathered before them,
 * rather than be copied into a chunk.
 */
export class BufferedOutput {
  static readonly chunkSize = 1 << 16;
  readonly #stream: NodeJS.WritableStream;
  readonly #pending: string[] = [];
  #size = 0;
  #drain: Promise<void> | undefined;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  write(text: string | Uint8Array): void {
    if (typeof text !== 'string' || text.length >= BufferedOutput.chunkSize) {
      this.flush();
      this.#send(text);
      return;
    }
    this.#pending.push(text);
    this.#size += text.length;
    if (this.#size >= BufferedOutput.chunkSize) this.flush();
  }

  flush(): void {
    if (this.#size === 0) return;
    const chunk = this.#pending.join('');
    this.#pending.length = 0;
    this.#size = 0;
    this.#send(chunk);
  }

  /** A promise while the stream's own buffer is full. */
  backlog(): Promise<void> | undefined {
    return this.#drain;
  }

  #send(chunk: string | Uint8Array): void {
    if (!this.#stream.write(chunk) && !this.#drain) {
      this.#drain = once(this.#stream, 'drain').then(() => {
        this.#drain = undefined;
      });
    }
  }
}

/** The writer for a format. */
export function reportWriter(format: Format, stream: NodeJS.WritableStream): ReportWriter {
  const out = new BufferedOutput(stream);
  if (format === 'json') return new JsonWriter(out);
  if (format === 'sarif') return new SarifWriter(stream);
  return new TextWriter(out);
}

/** The part of one finding or one problem, for the writers' `finding` and `problem`. */
function partOf(format: Format, item: { finding: ReportedFinding } | { problem: ReportedProblem }): ReportPart {
  const builder = new PartBuilder(format);
  if ('finding' in item) builder.finding(item.finding);
  else builder.problem(item.problem);
  return builder.part();
}

/**
 * `{"findings": [...], "problems": [...], "stats": {...}}`, byte for byte what `JSON.stringify` of
 * the whole report gives. Findings are written as they come; problems, which come one per broken line
 * or bad rule at most, are kept for their place after the findings.
 */
class JsonWriter implements ReportWriter {
  readonly format = Format.json;
  readonly #out: BufferedOutput;
  readonly #problems: string[] = [];
  #first = true;

  constructor(out: BufferedOutput) {
    this.#out = out;
    out.write('{"findings":[');
  }

  part(part: ReportPart): void {
    for (const p of part.problems) this.#problems.push(p);
    for (const piece of part.text) {
      if (piece.length === 0) continue;
      // A part's findings each come after a comma; the report's first has none before it.
      this.#out.write(!this.#first ? piece : typeof piece === 'string' ? piece.slice(1) : piece.subarray(1));
      this.#first = false;
    }
  }

  problem(problem: ReportedProblem): void {
    this.part(partOf(this.format, { problem }));
  }

  finding(finding: ReportedFinding): void {
    this.part(partOf(this.format, { finding }));
  }

  backlog(): Promise<void> | undefined {
    return this.#out.backlog();
  }

  end(stats: CheckStats): void {
    this.#out.write(`],"problems":[${this.#problems.join(',')}],"stats":${JSON.stringify(stats)}}\n`);
    this.#out.flush();
  }
}

/** One line per problem and finding, `path:line:column: severity: message [code]`, then a summary. */
class TextWriter implements ReportWriter {
  readonly format = Format.text;
  readonly #out: BufferedOutput;
  #findings = 0;
  #errors = 0;
  #problems = 0;

  constructor(out: BufferedOutput) {
    this.#out = out;
  }

  part(part: ReportPart): void {
    const s = part.severities;
    this.#findings += s.error + s.warning + s.info + s.hint;
    this.#errors += s.error;
    this.#problems += part.problemCount;
    for (const piece of part.text) this.#out.write(piece);
  }

  problem(problem: ReportedProblem): void {
    this.part(partOf(this.format, { problem }));
  }

  finding(finding: ReportedFinding): void {
    this.part(partOf(this.format, { finding }));
  }

  backlog(): Promise<void> | undefined {
    return this.#out.backlog();
  }

  end(s: CheckStats): void {
    this.#out.write(
      `${this.#findings} findings (${this.#errors} errors), ${this.#problems} input problems; ` +
        `${s.files} files, ${s.conversations} conversations, ${s.turns} turns, ${(s.bytes / 1e6).toFixed(1)} MB in ${s.ms} ms` +
        `${s.reviewed ? `; ${s.reviewed} reviewed flags hidden` : ''}.\n`,
    );
    if (s.constitutions.length > 0) {
      const used = s.constitutions.map((c) => (c.starter ? `${c.name} (the bundled starter: no constitution was given or found)` : `${c.name} (${c.path})`));
      this.#out.write(`constitutions: ${used.join(', ')}\n`);
    }
    const skipped = s.skipped.filter((f) => !f.ignored);
    if (skipped.length > 0) {
      this.#out.write(`skipped ${skipped.length} ${skipped.length === 1 ? 'file' : 'files'}: ${skipped.map((f) => `${f.path} (${f.reason})`).join('; ')}\n`);
    }
    const ignored = s.skipped.filter((f) => f.ignored);
    if (ignored.length > 0) {
      const folders = ignored.filter((f) => f.path.endsWith('/')).length;
      const files = ignored.length - folders;
      const counted = [folders > 0 ? `${folders} ${folders === 1 ? 'folder' : 'folders'}` : '', files > 0 ? `${files} ${files === 1 ? 'file' : 'files'}` : ''];
      this.#out.write(`ignored ${counted.filter(Boolean).join(' and ')} under .gitignore (--no-ignore reads them; --format json lists them)\n`);
    }
    this.#out.flush();
  }
}

/** SARIF needs every finding for its rules table, so the report is kept and written at the end. */
class SarifWriter implements ReportWriter {
  readonly format = Format.sarif;
  readonly #stream: NodeJS.WritableStream;
  readonly #findings: ReportedFinding[] = [];
  readonly #problems: ReportedProblem[] = [];

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  part(part: ReportPart): void {
    if (!part.kept) return;
    for (const f of part.kept.findings) this.#findings.push(f);
    for (const p of part.kept.problems) this.#problems.push(p);
  }

  problem(problem: ReportedProblem): void {
    this.#problems.push(problem);
  }

  finding(finding: ReportedFinding): void {
    this.#findings.push(finding);
  }

  backlog(): undefined {
    return undefined;
  }

  end(stats: CheckStats, constitutions: readonly LoadedConstitution[]): void {
    const report = { findings: this.#findings, problems: this.#problems, stats };
    this.#stream.write(`${JSON.stringify(toSarif(report, constitutions), null, 2)}\n`);
  }
}
