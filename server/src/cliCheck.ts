/**
 * `constitution-lens check`: the editor's checks over files and folders, for CI. Large JSONL files are
 * read as a stream, one line at a time, so memory follows the longest line and not the file.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseConstitution, isConstitutionFileName } from './core/constitution/parse.ts';
import { checkConstitution } from './core/constitution/check.ts';
import { compileRuleset, checkConversation, checkTranscript } from './core/detectors/index.ts';
import type { Finding, LoadedConstitution, Ruleset } from './core/detectors/types.ts';
import type { Problem, Severity } from './core/problem.ts';
import { LineIndex } from './core/text.ts';
import { isTranscriptFileName, parseJsonlLine, parseTranscript } from './core/transcript/parse.ts';
import type { Conversation } from './core/transcript/model.ts';
import { exampleFailures } from './core/features/citations.ts';
import { decodeText } from './lsp/workspaceFiles.ts';
import { toSarif } from './sarif.ts';

export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  /** Where the bundled starter constitution is. */
  readonly starterPath: string;
}

export const Format = { text: 'text', json: 'json', sarif: 'sarif' } as const;
export type Format = (typeof Format)[keyof typeof Format];

/** A finding as the CLI reports it: a path and a 0-based LSP range. */
export interface ReportedFinding {
  readonly path: string;
  readonly range: { start: { line: number; character: number }; end: { line: number; character: number } };
  readonly conversation: number;
  readonly turn: number;
  readonly role: string;
  readonly principle: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** The constitution's name, for `[[name#id]]` and SARIF rule ids. */
  readonly constitution: string;
}

export interface ReportedProblem {
  readonly path: string;
  readonly range: ReportedFinding['range'];
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

export interface CheckReport {
  findings: ReportedFinding[];
  problems: ReportedProblem[];
  stats: { files: number; conversations: number; turns: number; bytes: number; ms: number; reviewed: number };
}

export const checkUsage = `Usage: constitution-lens check [--constitution FILE]... [--format text|json|sarif] PATH...

Checks transcripts and prompts (files, or folders searched for them) against constitutions.
Without --constitution, every *.constitution.{md,yaml,yml,json} under the paths is used, else the
bundled starter constitution.

Exit codes: 0 no error-level findings; 1 some; 2 a usage error or an unreadable input.`;

interface CheckArgs {
  constitutions: string[];
  format: Format;
  paths: string[];
}

function parseArgs(argv: readonly string[]): CheckArgs | string {
  const args: CheckArgs = { constitutions: [], format: 'text', paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--constitution' || flag === '-c') {
      const v = value();
      if (!v) return '--constitution needs a file.';
      args.constitutions.push(v);
    } else if (flag === '--format' || flag === '-f') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif') return `--format takes text, json or sarif, not ${v ?? 'nothing'}.`;
      args.format = v;
    } else if (flag === '--help' || flag === '-h') {
      return '';
    } else if (a.startsWith('-') && a !== '-') {
      return `Unknown option ${a}.`;
    } else {
      args.paths.push(a);
    }
  }
  if (args.paths.length === 0) return 'Name at least one file or folder to check.';
  return args;
}

export async function runCheck(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    (parsed === '' ? io.stdout : io.stderr).write(`${parsed ? `${parsed}\n\n` : ''}${checkUsage}\n`);
    return parsed === '' ? 0 : 2;
  }
  const started = performance.now();
  const report: CheckReport = {
    findings: [],
    problems: [],
    stats: { files: 0, conversations: 0, turns: 0, bytes: 0, ms: 0, reviewed: 0 },
  };
  let unreadable = false;
  const fail = (message: string) => {
    unreadable = true;
    io.stderr.write(`error: ${message}\n`);
  };

  const targets: string[] = [];
  const found: string[] = [];
  for (const p of parsed.paths) {
    const abs = resolve(io.cwd, p);
    try {
      await collect(abs, targets, found, true);
    } catch (error) {
      fail(`cannot read ${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
  }

  const constitutionPaths = parsed.constitutions.length > 0 ? parsed.constitutions.map((c) => resolve(io.cwd, c)) : found;
  const loaded: LoadedConstitution[] = [];
  const sources = new Map<string, { display: string; lines: LineIndex }>();
  for (const path of constitutionPaths.length > 0 ? constitutionPaths : [io.starterPath]) {
    let text: string;
    try {
      text = decodeText(await fs.readFile(path), path);
    } catch (error) {
      fail(`cannot read the constitution ${relative(io.cwd, path) || path}: ${(error as Error).message}`);
      continue;
    }
    const constitution = parseConstitution(text, basename(path));
    const lines = new LineIndex(text);
    const display = displayPath(io.cwd, path);
    for (const p of [...constitution.problems, ...checkConstitution(constitution)]) {
      report.problems.push(reportProblem(display, p, lines));
    }
    const uri = pathToFileURL(path).toString();
    loaded.push({ uri, constitution });
    sources.set(uri, { display, lines });
  }
  if (loaded.length === 0) {
    fail('no constitution could be read.');
    return finish(io, parsed.format, report, started, true, loaded);
  }
  const ruleset = compileRuleset(loaded);
  for (const { uri, problem } of [...ruleset.problems, ...exampleFailures(ruleset)]) {
    const source = sources.get(uri);
    if (source) report.problems.push(reportProblem(source.display, problem, source.lines));
  }

  for (const path of targets) {
    try {
      await checkFile(path, displayPath(io.cwd, path), ruleset, report);
    } catch (error) {
      fail(`cannot read ${displayPath(io.cwd, path)}: ${(error as Error).message}`);
    }
  }
  return finish(io, parsed.format, report, started, unreadable, loaded);
}

function finish(
  io: Io,
  format: Format,
  report: CheckReport,
  started: number,
  unreadable: boolean,
  loaded: readonly LoadedConstitution[],
): number {
  report.stats.ms = Math.round(performance.now() - started);
  if (format === 'json') io.stdout.write(`${JSON.stringify(report)}\n`);
  else if (format === 'sarif') io.stdout.write(`${JSON.stringify(toSarif(report, loaded), null, 2)}\n`);
  else writeText(io, report);
  if (unreadable) return 2;
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function writeText(io: Io, report: CheckReport): void {
  const at = (p: { path: string; range: ReportedFinding['range'] }) =>
    `${p.path}:${p.range.start.line + 1}:${p.range.start.character + 1}`;
  for (const p of report.problems) io.stdout.write(`${at(p)}: ${p.severity}: ${p.message} [${p.code}]\n`);
  for (const f of report.findings) {
    io.stdout.write(`${at(f)}: ${f.severity}: ${f.message} [${f.constitution}#${f.principle} ${f.rule}]\n`);
  }
  const s = report.stats;
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  io.stdout.write(
    `${report.findings.length} findings (${errors} errors), ${report.problems.length} input problems; ` +
      `${s.files} files, ${s.conversations} conversations, ${s.turns} turns, ${(s.bytes / 1e6).toFixed(1)} MB in ${s.ms} ms` +
      `${s.reviewed ? `; ${s.reviewed} reviewed flags hidden` : ''}.\n`,
  );
}

async function collect(path: string, targets: string[], constitutions: string[], explicit: boolean): Promise<void> {
  const stat = await fs.stat(path);
  if (stat.isDirectory()) {
    const entries = await fs.readdir(path, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      await collect(join(path, e.name), targets, constitutions, false);
    }
    return;
  }
  if (isConstitutionFileName(path)) constitutions.push(path);
  else if (explicit || isTranscriptFileName(path)) targets.push(path);
}

async function checkFile(path: string, display: string, ruleset: Ruleset, report: CheckReport): Promise<void> {
  report.stats.files++;
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) {
    await checkJsonl(path, display, ruleset, report);
    return;
  }
  const bytes = await fs.readFile(path);
  report.stats.bytes += bytes.length;
  const text = decodeText(bytes, display);
  const transcript = parseTranscript(text, basename(path));
  const lines = new LineIndex(text);
  for (const p of transcript.problems) report.problems.push(reportProblem(display, p, lines));
  countConversations(transcript.conversations, report);
  addFindings(checkTranscript(transcript, ruleset), display, report, (offset) => lines.positionAt(offset));
}

async function checkJsonl(path: string, display: string, ruleset: Ruleset, report: CheckReport): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = -1;
  let index = 0;
  let base = 0;
  for await (const line of lines) {
    lineNumber++;
    const lineBase = base;
    base += line.length + 1;
    report.stats.bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    const at = (offset: number) => ({ line: lineNumber, character: offset - lineBase });
    const parsed = parseJsonlLine(line, index++, lineBase);
    for (const p of parsed.problems) {
      report.problems.push({ path: display, range: { start: at(p.span.start), end: at(p.span.end) }, code: p.code, severity: p.severity, message: p.message });
    }
    countConversations(parsed.conversations, report);
    for (const conversation of parsed.conversations) addFindings(checkConversation(conversation, ruleset), display, report, at);
  }
}

function countConversations(conversations: readonly Conversation[], report: CheckReport): void {
  report.stats.conversations += conversations.length;
  for (const c of conversations) report.stats.turns += c.turns.length;
}

function addFindings(
  findings: readonly Finding[],
  path: string,
  report: CheckReport,
  at: (offset: number) => { line: number; character: number },
): void {
  for (const f of findings) {
    if (f.reviewed) {
      report.stats.reviewed++;
      continue;
    }
    report.findings.push({
      path,
      range: { start: at(f.span.start), end: at(f.span.end) },
      conversation: f.conversation,
      turn: f.turn,
      role: f.role,
      principle: f.principle,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      constitution: f.constitution,
    });
  }
}

function reportProblem(path: string, p: Problem, lines: LineIndex): ReportedProblem {
  return { path, range: lines.rangeOf(p.span), code: p.code, severity: p.severity, message: p.message };
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : path;
}
