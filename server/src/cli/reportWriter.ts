/**
 * The output of `constitution-lens check`, written as the findings come in rather than held to the
 * end, so that memory does not grow with the size of the input. Text and JSON stream; SARIF, whose
 * rules table is built from every finding, is kept whole and written at the end.
 */
import { once } from 'node:events';
import type { LoadedConstitution } from '../core/detectors/types.ts';
import type { Severity } from '../core/problem.ts';
import type { Role } from '../core/transcript/model.ts';
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

/** Where a check's results go, one by one, as they are found. */
export interface ReportWriter {
  problem(problem: ReportedProblem): void;
  finding(finding: ReportedFinding): void;
  /** While the output is behind, a promise that settles when it has caught up; reading waits on it. */
  backlog(): Promise<void> | undefined;
  /** Writes the end of the report and flushes it; SARIF describes its rules from the constitutions. */
  end(stats: CheckStats, constitutions: readonly LoadedConstitution[]): void;
}

/**
 * Collects small writes into chunks of about 64 KiB, so that a report of millions of findings costs
 * few system calls, and remembers when the stream asked for a pause.
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

  write(text: string): void {
    this.#pending.push(text);
    this.#size += text.length;
    if (this.#size >= BufferedOutput.chunkSize) this.flush();
  }

  flush(): void {
    if (this.#size === 0) return;
    const chunk = this.#pending.join('');
    // Emptied in place: a new array would start out holding small integers, and the first string
    // pushed into it would undo the optimised `write`.
    this.#pending.length = 0;
    this.#size = 0;
    if (!this.#stream.write(chunk) && !this.#drain) {
      this.#drain = once(this.#stream, 'drain').then(() => {
        this.#drain = undefined;
      });
    }
  }

  /** A promise while the stream's own buffer is full. */
  backlog(): Promise<void> | undefined {
    return this.#drain;
  }
}

/** The writer for a format. */
export function reportWriter(format: Format, stream: NodeJS.WritableStream): ReportWriter {
  const out = new BufferedOutput(stream);
  if (format === 'json') return new JsonWriter(out);
  if (format === 'sarif') return new SarifWriter(stream);
  return new TextWriter(out);
}

/**
 * `{"findings": [...], "problems": [...], "stats": {...}}`, byte for byte what `JSON.stringify` of
 * the whole report gives. Findings are written as they come; problems, which come one per broken line
 * or bad rule at most, are kept for their place after the findings.
 */
class JsonWriter implements ReportWriter {
  readonly #out: BufferedOutput;
  readonly #problems: string[] = [];
  #separator = '';

  constructor(out: BufferedOutput) {
    this.#out = out;
    out.write('{"findings":[');
  }

  problem(problem: ReportedProblem): void {
    this.#problems.push(JSON.stringify(problem));
  }

  finding(finding: ReportedFinding): void {
    this.#out.write(this.#separator + JSON.stringify(finding));
    this.#separator = ',';
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
  readonly #out: BufferedOutput;
  #findings = 0;
  #errors = 0;
  #problems = 0;

  constructor(out: BufferedOutput) {
    this.#out = out;
  }

  problem(p: ReportedProblem): void {
    this.#problems++;
    this.#out.write(`${at(p)}: ${p.severity}: ${p.message} [${p.code}]\n`);
  }

  finding(f: ReportedFinding): void {
    this.#findings++;
    if (f.severity === 'error') this.#errors++;
    this.#out.write(`${at(f)}: ${f.severity}: ${f.message} [${f.constitution}#${f.principle} ${f.rule}]\n`);
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

/** `path:line:column`; in an `.eval` log, `path!samples/9_epoch_1.json:line:column`, the place in the sample's view. */
function at(p: { path: string; range: ReportedRange; sample?: string }): string {
  return `${p.path}${p.sample ? `!${p.sample}` : ''}:${p.range.start.line + 1}:${p.range.start.character + 1}`;
}

/** SARIF needs every finding for its rules table, so the report is kept and written at the end. */
class SarifWriter implements ReportWriter {
  readonly #stream: NodeJS.WritableStream;
  readonly #findings: ReportedFinding[] = [];
  readonly #problems: ReportedProblem[] = [];

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
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
