/**
 * `constitution-lens check`: the editor's checks over files and folders, for CI. Large JSONL files are
 * read as a stream, one line at a time, and Inspect `.eval` logs one sample at a time; each finding is
 * written out as it is found, so memory follows the longest line or sample and not the file. Nothing
 * unreadable passes: a named file that holds no conversation, an unreadable input or a constitution
 * with errors exits 2, and a file of a folder that holds no transcript is listed as skipped.
 */
import { closeSync, fstatSync, openSync, promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, relative, resolve } from 'node:path';
import { compileRuleset } from '../core/detectors/index.ts';
import type { LoadedConstitution, Ruleset } from '../core/detectors/types.ts';
import type { Problem, Severity } from '../core/problem.ts';
import { decodeText, LineIndex } from '../core/text.ts';
import { isBlankLine, isClaudeCodeSession, isJsonlFileName, isTranscriptFileName, parseTranscript } from '../core/transcript/parse.ts';
import { describeContent, describeJsonText, knownTranscriptShapes } from '../core/transcript/describe.ts';
import { describeEvalSample, evalSampleView, isEvalFileName, readEvalSample } from '../core/transcript/evalLog.ts';
import type { Transcript } from '../core/transcript/model.ts';
import { defaultEvalLimits, readEvalSamples, type EvalLimits } from '../evalArchive.ts';
import { exampleFailures } from '../core/features/citations.ts';
import { countLines, lineRanges, type ByteRange, type LineCounts } from './lineReader.ts';
import { checkRange, ReportItems, type RangeReport } from './checkRange.ts';
import { checkInOrder, RangeWorker, type PlacedRange } from './checkPool.ts';
import { clauseTables, type ClauseTables } from '../core/workspace/clauseTables.ts';
import { reportOfLine } from '../core/workspace/lineReport.ts';
import { readConstitutions } from './readConstitutions.ts';
import { collectFiles, noFiles, type Target, type WalkOptions } from './walkFolder.ts';
import { noRoles, reportWriter, type CheckStats, type Format, type ReportedProblem, type ReportWriter } from './reportWriter.ts';

export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  /** Where the bundled starter constitution is. */
  readonly starterPath: string;
  /** The script a check thread runs (the command's own bundle); without it, every file is read on this thread. */
  readonly workerScript?: string;
  /** The size of the ranges a JSONL file is cut into, 1 MiB unless a test makes it small. */
  readonly rangeBytes?: number;
  /** How much an `.eval` archive may hold; tests make these small. */
  readonly evalLimits?: EvalLimits;
}

export const checkUsage = `Usage: constitution-lens check [--constitution FILE]... [--format text|json|sarif] [--fail-on error|warning|info] [--jobs N] [--no-ignore] PATH...

Checks transcripts, prompts and Inspect .eval logs (files, or folders searched for them) against
constitutions. Without --constitution, every *.constitution.{md,yaml,yml,json} under the paths is
used, else the bundled starter constitution. A large JSONL file is checked on N threads (default:
one per CPU core); the report is the same for any N. Files of a folder that hold no transcript are
listed as skipped, with the reason. A folder walk leaves out what its .gitignore files ignore, and
counts it in the summary; --no-ignore reads it too.

Exit codes: 0 no finding at or above the --fail-on severity (default error); 1 some; 2 a usage
error, an unreadable input, a file named on the command line that holds no conversation, or a
constitution with errors.`;

interface CheckArgs {
  constitutions: string[];
  format: Format;
  failOn: Severity;
  jobs: number;
  /** Whether a folder walk honours the `.gitignore` files (all but `--no-ignore`). */
  gitIgnore: boolean;
  paths: string[];
}

/** How far down the severities a finding still fails the run, with `--fail-on`. */
const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

function parseArgs(argv: readonly string[]): CheckArgs | string {
  const args: CheckArgs = { constitutions: [], format: 'text', failOn: 'error', jobs: availableParallelism(), gitIgnore: true, paths: [] };
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
    } else if (flag === '--fail-on') {
      const v = value();
      if (v !== 'error' && v !== 'warning' && v !== 'info') return `--fail-on takes error, warning or info, not ${v ?? 'nothing'}.`;
      args.failOn = v;
    } else if (flag === '--jobs' || flag === '-j') {
      const v = value();
      if (!v || !/^[1-9][0-9]{0,2}$/.test(v)) return `--jobs takes a number of threads from 1 to 999, not ${v ?? 'nothing'}.`;
      args.jobs = Number(v);
    } else if (flag === '--no-ignore') {
      args.gitIgnore = false;
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

/** What one run keeps while it reads: the writer, the totals, whether to exit 1 or 2, and its threads. */
interface Run {
  readonly writer: ReportWriter;
  readonly stats: CheckStats;
  /** Findings this severe or more fail the run (`--fail-on`). */
  readonly failRank: number;
  /** Some finding fails the run: exit 1. */
  failed: boolean;
  readonly threads: Threads;
  /** Says that an input could not be read, which makes the run exit 2. */
  readonly fail: (message: string) => void;
  readonly evalLimits: EvalLimits;
  /** The constitutions' clauses, which citations are resolved against; set once they are read. */
  tables: ClauseTables;
}

/**
 * The size of the ranges a JSONL file is cut into for reading and for sharing out between threads.
 * A range's report is held until its turn to be written, and its messages quote the text they were
 * cut from, so larger ranges lift peak memory (by 20 MiB at 4 MiB a range) and smaller ones gain
 * nothing.
 */
const rangeBytes = 1 << 20;

/**
 * The worker threads of a run. They are started once the paths are known, if some file is big enough
 * to share out (a file of fewer than 16 ranges is read on the command's thread alone: starting a
 * worker costs about as much as checking ten megabytes), set up with the constitutions once those
 * are read, and stopped when the run ends.
 */
class Threads {
  readonly rangeBytes: number;
  #workers: RangeWorker[] = [];

  constructor(io: Io) {
    this.rangeBytes = io.rangeBytes ?? rangeBytes;
  }

  /** Whether a file of `size` bytes is worth sharing out. */
  shares(size: number): boolean {
    return size >= 16 * this.rangeBytes;
  }

  /** Starts `count` workers running `script`. */
  start(script: string, count: number): void {
    this.#workers = Array.from({ length: count }, () => new RangeWorker(script));
  }

  setUp(constitutions: readonly LoadedConstitution[], format: Format): void {
    for (const w of this.#workers) w.setUp(constitutions, format);
  }

  /** The workers to share a file of `size` bytes with: none for a small file. */
  for(size: number): readonly RangeWorker[] {
    return this.shares(size) ? this.#workers.filter((w) => w.alive) : [];
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}

export async function runCheck(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    (parsed === '' ? io.stdout : io.stderr).write(`${parsed ? `${parsed}\n\n` : ''}${checkUsage}\n`);
    return parsed === '' ? 0 : 2;
  }
  const started = performance.now();
  let unreadable = false;
  const fail = (message: string) => {
    unreadable = true;
    io.stderr.write(`error: ${message}\n`);
  };
  const run: Run = {
    writer: reportWriter(parsed.format, io.stdout),
    stats: { files: 0, conversations: 0, turns: 0, roles: noRoles(), bytes: 0, ms: 0, reviewed: 0, constitutions: [], skipped: [] },
    failRank: severityRank[parsed.failOn],
    failed: false,
    threads: new Threads(io),
    fail,
    evalLimits: io.evalLimits ?? defaultEvalLimits,
    tables: clauseTables([]),
  };

  const found = noFiles();
  const walk: WalkOptions = { starterPath: io.starterPath, gitIgnore: parsed.gitIgnore, reads: (path) => isTranscriptFileName(path) || isEvalFileName(path) };
  for (const p of parsed.paths) {
    const abs = resolve(io.cwd, p);
    try {
      await collectFiles(abs, found, walk);
    } catch (error) {
      fail(`cannot read ${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
  }

  for (const { path, folder, rule } of found.ignored) {
    run.stats.skipped.push({
      path: `${displayPath(io.cwd, path)}${folder ? '/' : ''}`,
      reason: `ignored by \`${rule.pattern}\` in ${displayPath(io.cwd, rule.file)}`,
      ignored: true,
    });
  }
  const targets = found.targets;
  if (io.workerScript && parsed.jobs > 1 && (await someLargeJsonl(targets, run.threads))) run.threads.start(io.workerScript, parsed.jobs - 1);

  const loaded: LoadedConstitution[] = [];
  try {
    await checkTargets(parsed, io, run, targets, found.constitutions, loaded);
  } finally {
    await run.threads.close();
  }
  run.stats.ms = Math.round(performance.now() - started);
  run.writer.end(run.stats, loaded);
  if (unreadable) return 2;
  return run.failed ? 1 : 0;
}

/** Reads the constitutions (into `loaded`), reports their problems, then checks every target. */
async function checkTargets(
  parsed: CheckArgs,
  io: Io,
  run: Run,
  targets: readonly Target[],
  found: readonly string[],
  loaded: LoadedConstitution[],
): Promise<void> {
  const fail = run.fail;
  const givenPaths = parsed.constitutions.length > 0 ? parsed.constitutions.map((c) => resolve(io.cwd, c)) : found;
  const read = await readConstitutions(givenPaths, io.starterPath, io.cwd, (path) => displayPath(io.cwd, path));
  const { sources, files: constitutionFiles } = read;
  const constitutionErrors = new Set<string>();
  if (read.starter) {
    io.stderr.write('warning: no constitution was given (--constitution) or found under the paths (*.constitution.md, .yaml, .yml, .json); the bundled starter constitution is used.\n');
  }
  for (const message of read.unreadable) fail(message);
  for (const { uri, problem } of read.problems) {
    const source = sources.get(uri)!;
    run.writer.problem(reportProblem(source.display, problem, source.lines));
    if (problem.severity === 'error') constitutionErrors.add(source.display);
  }
  loaded.push(...read.loaded);
  for (const { uri, constitution } of loaded) {
    const display = sources.get(uri)!.display;
    run.stats.constitutions.push(read.starter ? { name: constitution.name, path: display, starter: true } : { name: constitution.name, path: display });
  }
  if (loaded.length > 0) {
    for (const { uri, problem } of read.packProblems) {
      const source = sources.get(uri);
      if (source) run.writer.problem(reportProblem(source.display, problem, source.lines));
    }
    run.threads.setUp(loaded, run.writer.format);
    const ruleset = compileRuleset(loaded);
    run.tables = clauseTables(loaded);
    // The bundled starter's examples are run by the product's own tests, so a check that reads only
    // the starter does not run them again; a user's constitution has its examples checked every time.
    const examples = (await onlyStarter(constitutionFiles, io.starterPath)) ? [] : exampleFailures(ruleset);
    for (const { uri, problem } of ruleset.problems) {
      const source = sources.get(uri);
      if (!source) continue;
      run.writer.problem(reportProblem(source.display, problem, source.lines));
      if (problem.severity === 'error') constitutionErrors.add(source.display);
    }
    for (const { uri, problem } of examples) {
      const source = sources.get(uri);
      if (source) run.writer.problem(reportProblem(source.display, problem, source.lines));
    }
    for (const display of constitutionErrors) {
      fail(`the constitution ${display} has errors (listed at their places); the check would not run as written, so it fails.`);
    }
    for (const { path, explicit } of targets) {
      const display = displayPath(io.cwd, path);
      const before = run.stats.turns;
      let seen: string | undefined;
      try {
        seen = await checkFile(path, display, ruleset, run, explicit);
      } catch (error) {
        fail(`cannot read ${display}: ${(error as Error).message}`);
        continue;
      }
      if (explicit && run.stats.turns === before) {
        fail(`${display} holds no conversation: it is ${seen ?? 'of no known shape'}. A transcript is one of: ${knownTranscriptShapes()}.`);
      }
    }
  } else {
    fail('no constitution could be read.');
  }
}

/** Whether some JSONL target is big enough to share out between threads. */
async function someLargeJsonl(targets: readonly Target[], threads: Threads): Promise<boolean> {
  for (const { path } of targets) {
    if (!isJsonlFileName(path)) continue;
    const stat = await fs.stat(path).catch(() => undefined);
    if (stat?.isFile() && threads.shares(stat.size)) return true;
  }
  return false;
}

/** Whether every constitution file is the bundled starter itself, however its path was written. */
async function onlyStarter(paths: readonly string[], starterPath: string): Promise<boolean> {
  const real = (path: string) => fs.realpath(path).catch(() => resolve(path));
  const starter = await real(starterPath);
  for (const path of paths) if ((await real(path)) !== starter) return false;
  return true;
}

/**
 * Checks one file. A file of a folder walk that holds no transcript (JSON of another kind, a binary
 * or non-UTF-8 file) is listed as skipped, with the reason, rather than read. Gives what the file
 * holds, in a few words, when it may have yielded no conversation (for the message that says so).
 */
async function checkFile(path: string, display: string, ruleset: Ruleset, run: Run, explicit: boolean): Promise<string | undefined> {
  if (isEvalFileName(path)) {
    run.stats.files++;
    await checkEval(path, display, ruleset, run);
    return 'an .eval archive with no sample that holds a conversation (`samples/<id>_epoch_<n>.json` with `messages`)';
  }
  if (isJsonlFileName(path) && !(await startsAsSession(path))) {
    const start = await head(path);
    const binary = binaryReason(start);
    if (binary) return skipOrFail(run, display, binary, explicit);
    run.stats.files++;
    await checkJsonl(path, display, ruleset, run);
    const firstLine = start.toString('utf8').split('\n').find((l) => l.trim() !== '');
    return firstLine === undefined ? 'an empty file' : `lines of JSON such as ${describeJsonText(firstLine)}`;
  }
  const bytes = await fs.readFile(path);
  const binary = binaryReason(bytes);
  if (binary) return skipOrFail(run, display, binary, explicit);
  run.stats.files++;
  // Read bytes count even when they turn out not to be text.
  run.stats.bytes += bytes.length;
  const text = decodeText(bytes, display);
  const transcript = parseTranscript(text, basename(path));
  const turns = transcript.conversations.reduce((n, c) => n + c.turns.length, 0);
  if (turns === 0 && !explicit) {
    run.stats.files--;
    run.stats.skipped.push({ path: display, reason: `not a transcript: ${describeContent(text, basename(path))}` });
    return undefined;
  }
  writeTranscript(transcript, text, display, ruleset, run);
  return turns === 0 ? describeContent(text, basename(path)) : undefined;
}

/** A binary file named on the command line cannot be read (exit 2); one found in a folder is skipped. */
function skipOrFail(run: Run, display: string, reason: string, explicit: boolean): undefined {
  if (explicit) throw new Error(reason);
  run.stats.skipped.push({ path: display, reason });
  return undefined;
}

/** Why bytes are not text to read, by their start: NUL bytes, or not UTF-8. */
function binaryReason(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return 'binary: it holds NUL bytes, so it is not read as text';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 8192).subarray(0, utf8Boundary(bytes.subarray(0, 8192))));
  } catch {
    return 'not valid UTF-8: save it as UTF-8 to have it checked';
  }
  return undefined;
}

/** The length of `bytes` without a UTF-8 sequence cut off at its end. */
function utf8Boundary(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back];
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) end -= back;
    break;
  }
  return end;
}

/** The first bytes of a file, enough to tell text from binary. */
async function head(path: string): Promise<Buffer> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function writeTranscript(transcript: Transcript, text: string, display: string, ruleset: Ruleset, run: Run, sample?: { entry: string; index: number }): Promise<void> | undefined {
  const lines = new LineIndex(text);
  const place = sample ? { path: display, line: 0, record: sample.index, sample: sample.entry } : { path: display, line: 0, record: 0 };
  const gathered = new ReportItems(run.writer.format, place, run.tables);
  gathered.add(reportOfLine(transcript, ruleset), (span) => lines.rangeOf(span));
  return writeReport(gathered.report(0, 0, 0), run);
}

/**
 * Checks an Inspect `.eval` log sample by sample, one archive entry in memory at a time. A finding's
 * `conversation` is the sample's rank among the archive's samples, its `sample` the entry, and its
 * range is in the sample's view (the pretty-printed JSON the editor shows). A sample that cannot be
 * read fails the run; the others are still checked.
 */
async function checkEval(path: string, display: string, ruleset: Ruleset, run: Run): Promise<void> {
  run.stats.bytes += (await fs.stat(path)).size;
  let index = 0;
  for await (const item of readEvalSamples(path, run.evalLimits)) {
    const at = `${display}, ${describeEvalSample(item.name)} (${item.name.entry})`;
    const view = 'json' in item ? evalSampleView(item.json) : undefined;
    if ('error' in item) run.fail(`cannot read ${at}: ${item.error}.`);
    else if (view === undefined) run.fail(`cannot read ${at}: it is not JSON.`);
    else await writeTranscript(readEvalSample(view), view, display, ruleset, run, { entry: item.name.entry, index });
    index++;
  }
}

/**
 * Whether a JSONL file is a Claude Code session (from its first 64 KiB), which is one conversation
 * over the whole file and so is read whole rather than line by line.
 */
async function startsAsSession(path: string): Promise<boolean> {
  const file = await fs.open(path, 'r').catch(() => undefined);
  if (!file) return false;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return isClaudeCodeSession(buffer.subarray(0, bytesRead).toString('utf8'));
  } catch {
    return false;
  } finally {
    await file.close();
  }
}

/**
 * Checks a JSONL file line by line, a range of lines at a time, on this thread or shared with worker
 * threads. Each line is parsed with offsets from its own start, and each range is told the lines and
 * records of the file above it, so whichever thread checks a range writes its part of the report as
 * it will stand; the parts are written in file order.
 */
async function checkJsonl(path: string, display: string, ruleset: Ruleset, run: Run): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    // A pipe or device has no size to cut at: it is read whole, as one range, on this thread.
    const ranges = stat.isFile() ? lineRanges(fd, stat.size, run.threads.rangeBytes) : [{ start: 0, end: Infinity }].values();
    const workers = stat.isFile() ? run.threads.for(stat.size) : [];
    // A range checked on this thread counts its own lines; the counts of one handed to a worker are
    // read from its bytes, so that the next range can be placed before it comes back.
    let checked: { range: ByteRange; report: RangeReport } | undefined;
    const countsOf = (range: ByteRange): LineCounts => (checked?.range === range ? checked.report : countLines(fd, range, isBlankLine));
    const checkHere = ({ range, place }: PlacedRange) => {
      const report = checkRange(path, range, place, run.writer.format, ruleset, run.tables);
      checked = { range, report };
      return report;
    };
    await checkInOrder(path, placeRanges(ranges, display, countsOf), checkHere, workers, (report) => writeReport(report, run));
  } finally {
    closeSync(fd);
  }
}

/**
 * The ranges of a file, each with the lines and records above it, which `countsOf` gives for each
 * range once the next is asked for (and never for the last, which may be a pipe's whole input).
 */
function* placeRanges(ranges: Iterator<ByteRange>, path: string, countsOf: (range: ByteRange) => LineCounts): Generator<PlacedRange> {
  let line = 0;
  let record = 0;
  for (let next = ranges.next(); !next.done; ) {
    const range = next.value;
    yield { range, place: { path, line, record } };
    next = ranges.next();
    if (next.done) return;
    const counts = countsOf(range);
    line += counts.lines;
    record += counts.records;
  }
}

/** Writes a report's part and adds its totals. Gives the output's backlog, if any. */
function writeReport(report: RangeReport, run: Run): Promise<void> | undefined {
  const { part } = report;
  run.writer.part(part);
  for (const severity of Object.keys(part.severities) as Severity[]) {
    if (part.severities[severity] > 0 && severityRank[severity] <= run.failRank) run.failed = true;
  }
  run.stats.bytes += report.bytes;
  run.stats.conversations += report.conversations;
  run.stats.turns += report.turns;
  const roles = run.stats.roles;
  roles.system += report.roles.system;
  roles.developer += report.roles.developer;
  roles.user += report.roles.user;
  roles.assistant += report.roles.assistant;
  roles.tool += report.roles.tool;
  run.stats.reviewed += report.reviewed;
  return run.writer.backlog();
}

function reportProblem(path: string, p: Problem, lines: LineIndex): ReportedProblem {
  return { path, range: lines.rangeOf(p.span), code: p.code, severity: p.severity, message: p.message };
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : path;
}
