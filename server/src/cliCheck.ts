/**
 * `constitution-lens check`: the editor's checks over files and folders, for CI. Large JSONL files are
 * read as a stream, one line at a time, and each finding is written out as it is found, so memory
 * follows the longest line and not the file.
 */
import { closeSync, fstatSync, openSync, promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isConstitutionFileName } from './core/constitution/parse.ts';
import { checkConstitution } from './core/constitution/check.ts';
import { compileRuleset } from './core/detectors/index.ts';
import type { LoadedConstitution, Ruleset } from './core/detectors/types.ts';
import type { Problem } from './core/problem.ts';
import { decodeText, LineIndex } from './core/text.ts';
import { isClaudeCodeSession, isJsonlFileName, isTranscriptFileName, parseTranscript } from './core/transcript/parse.ts';
import { exampleFailures } from './core/features/citations.ts';
import { lineRanges } from './lineReader.ts';
import { checkRange, linesDown, ReportItems, type RangeReport } from './checkRange.ts';
import { checkInOrder, RangeWorker } from './checkPool.ts';
import { readConstitution } from './starterModel.ts';
import { isPackFileName } from './core/packs/pack.ts';
import { isRecognisedConstitution, withPacks } from './cliPacks.ts';
import { readModelFiles } from './modelFiles.ts';
import { reportWriter, type CheckStats, type Format, type ReportedProblem, type ReportWriter } from './reportWriter.ts';

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
}

export const checkUsage = `Usage: constitution-lens check [--constitution FILE]... [--format text|json|sarif] [--jobs N] PATH...

Checks transcripts and prompts (files, or folders searched for them) against constitutions.
Without --constitution, every *.constitution.{md,yaml,yml,json} under the paths is used, else the
bundled starter constitution. A large JSONL file is checked on N threads (default: one per CPU
core); the report is the same for any N.

Exit codes: 0 no error-level findings; 1 some; 2 a usage error or an unreadable input.`;

interface CheckArgs {
  constitutions: string[];
  format: Format;
  jobs: number;
  paths: string[];
}

function parseArgs(argv: readonly string[]): CheckArgs | string {
  const args: CheckArgs = { constitutions: [], format: 'text', jobs: availableParallelism(), paths: [] };
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
    } else if (flag === '--jobs' || flag === '-j') {
      const v = value();
      if (!v || !/^[1-9][0-9]{0,2}$/.test(v)) return `--jobs takes a number of threads from 1 to 999, not ${v ?? 'nothing'}.`;
      args.jobs = Number(v);
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
  errors: boolean;
  readonly threads: Threads;
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

  setUp(constitutions: readonly LoadedConstitution[]): void {
    for (const w of this.#workers) w.setUp(constitutions);
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
  const run: Run = {
    writer: reportWriter(parsed.format, io.stdout),
    stats: { files: 0, conversations: 0, turns: 0, bytes: 0, ms: 0, reviewed: 0 },
    errors: false,
    threads: new Threads(io),
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
      await collect(abs, targets, found, true, io.starterPath);
    } catch (error) {
      fail(`cannot read ${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
  }

  if (io.workerScript && parsed.jobs > 1 && (await someLargeJsonl(targets, run.threads))) run.threads.start(io.workerScript, parsed.jobs - 1);

  const loaded: LoadedConstitution[] = [];
  try {
    await checkTargets(parsed, io, run, targets, found, loaded, fail);
  } finally {
    await run.threads.close();
  }
  run.stats.ms = Math.round(performance.now() - started);
  run.writer.end(run.stats, loaded);
  if (unreadable) return 2;
  return run.errors ? 1 : 0;
}

/** Reads the constitutions (into `loaded`), reports their problems, then checks every target. */
async function checkTargets(
  parsed: CheckArgs,
  io: Io,
  run: Run,
  targets: readonly string[],
  found: readonly string[],
  loaded: LoadedConstitution[],
  fail: (message: string) => void,
): Promise<void> {
  const givenPaths = parsed.constitutions.length > 0 ? parsed.constitutions.map((c) => resolve(io.cwd, c)) : found;
  // Rule packs come with the constitutions (given, or found under the paths); they are not constitutions themselves.
  const constitutionPaths = givenPaths.filter((p) => !isPackFileName(p));
  const sources = new Map<string, { display: string; lines: LineIndex }>();
  const constitutionFiles = constitutionPaths.length > 0 ? constitutionPaths : [io.starterPath];
  for (const path of constitutionFiles) {
    let text: string;
    try {
      text = decodeText(await fs.readFile(path), path);
    } catch (error) {
      fail(`cannot read the constitution ${relative(io.cwd, path) || path}: ${(error as Error).message}`);
      continue;
    }
    const constitution = readConstitution(text, basename(path));
    const lines = new LineIndex(text);
    const display = displayPath(io.cwd, path);
    for (const p of [...constitution.problems, ...checkConstitution(constitution)]) {
      run.writer.problem(reportProblem(display, p, lines));
    }
    const uri = pathToFileURL(path).toString();
    const models = readModelFiles(path, constitution);
    loaded.push(models ? { uri, constitution, models } : { uri, constitution });
    sources.set(uri, { display, lines });
  }
  if (loaded.length > 0) {
    const packs = withPacks(loaded, givenPaths.filter(isPackFileName), io.starterPath, (path) => displayPath(io.cwd, path));
    loaded.splice(0, loaded.length, ...packs.constitutions);
    for (const [uri, source] of packs.sources) sources.set(uri, source);
    for (const { uri, problem } of packs.problems) {
      const source = sources.get(uri);
      if (source) run.writer.problem(reportProblem(source.display, problem, source.lines));
    }
    run.threads.setUp(loaded);
    const ruleset = compileRuleset(loaded);
    // The bundled starter's examples are run by the product's own tests, so a check that reads only
    // the starter does not run them again; a user's constitution has its examples checked every time.
    const examples = (await onlyStarter(constitutionFiles, io.starterPath)) ? [] : exampleFailures(ruleset);
    for (const { uri, problem } of [...ruleset.problems, ...examples]) {
      const source = sources.get(uri);
      if (source) run.writer.problem(reportProblem(source.display, problem, source.lines));
    }
    for (const path of targets) {
      try {
        await checkFile(path, displayPath(io.cwd, path), ruleset, run);
      } catch (error) {
        fail(`cannot read ${displayPath(io.cwd, path)}: ${(error as Error).message}`);
      }
    }
  } else {
    fail('no constitution could be read.');
  }
}

/** Whether some JSONL target is big enough to share out between threads. */
async function someLargeJsonl(targets: readonly string[], threads: Threads): Promise<boolean> {
  for (const path of targets) {
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

async function collect(path: string, targets: string[], constitutions: string[], explicit: boolean, starterPath: string): Promise<void> {
  const stat = await fs.stat(path);
  if (stat.isDirectory()) {
    const entries = await fs.readdir(path, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      await collect(join(path, e.name), targets, constitutions, false, starterPath);
    }
    return;
  }
  if (isConstitutionFileName(path) || isPackFileName(path) || (await isRecognisedConstitution(path, explicit, starterPath))) constitutions.push(path);
  else if (explicit || isTranscriptFileName(path)) targets.push(path);
}

async function checkFile(path: string, display: string, ruleset: Ruleset, run: Run): Promise<void> {
  run.stats.files++;
  if (isJsonlFileName(path) && !(await startsAsSession(path))) {
    await checkJsonl(path, display, ruleset, run);
    return;
  }
  const bytes = await fs.readFile(path);
  // Read bytes count even when they turn out not to be text.
  run.stats.bytes += bytes.length;
  const text = decodeText(bytes, display);
  const lines = new LineIndex(text);
  const gathered = new ReportItems();
  gathered.add(parseTranscript(text, basename(path)), ruleset, (span) => lines.rangeOf(span));
  writeReport(gathered.report(0, 0, 0), display, run, { lines: 0, records: 0 });
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
 * threads. Each line is parsed with offsets from its own start, so a position is the line's number
 * and the offset within it, whatever came before; each range's report is written in file order, its
 * lines and records counted on from the ranges before it.
 */
async function checkJsonl(path: string, display: string, ruleset: Ruleset, run: Run): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    // A pipe or device has no size to cut at: it is read whole, as one range, on this thread.
    const ranges = stat.isFile() ? lineRanges(fd, stat.size, run.threads.rangeBytes) : [{ start: 0, end: Infinity }].values();
    const before = { lines: 0, records: 0 };
    const workers = stat.isFile() ? run.threads.for(stat.size) : [];
    await checkInOrder(path, ranges, (range) => checkRange(path, range, ruleset), workers, (report) => writeReport(report, display, run, before));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a report's problems and findings, moved down by the lines and records `before` it, and adds
 * its totals; `before` then counts its lines and records too. Gives the output's backlog, if any.
 */
function writeReport(report: RangeReport, path: string, run: Run, before: { lines: number; records: number }): Promise<void> | undefined {
  for (const item of report.items) {
    if ('finding' in item) {
      const f = item.finding;
      if (f.severity === 'error') run.errors = true;
      run.writer.finding({ path, ...f, range: linesDown(f.range, before.lines), conversation: f.conversation + before.records });
    } else {
      run.writer.problem({ path, ...item.problem, range: linesDown(item.problem.range, before.lines) });
    }
  }
  before.lines += report.lines;
  before.records += report.records;
  run.stats.bytes += report.bytes;
  run.stats.conversations += report.conversations;
  run.stats.turns += report.turns;
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
