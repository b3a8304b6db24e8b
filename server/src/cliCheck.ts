/**
 * `constitution-lens check`: the editor's checks over files and folders, for CI. Large JSONL files are
 * read as a stream, one line at a time, and each finding is written out as it is found, so memory
 * follows the longest line and not the file.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConstitution, isConstitutionFileName } from './core/constitution/parse.ts';
import { checkConstitution } from './core/constitution/check.ts';
import { compileRuleset, checkConversation, checkTranscript } from './core/detectors/index.ts';
import type { Finding, LoadedConstitution, Ruleset } from './core/detectors/types.ts';
import type { Problem } from './core/problem.ts';
import { LineIndex } from './core/text.ts';
import { isBlankLine, isTranscriptFileName, parseJsonlLine, parseTranscript } from './core/transcript/parse.ts';
import { JsonReader } from './core/transcript/jsonFormat.ts';
import { scanJson } from './core/transcript/jsonScan.ts';
import type { Conversation } from './core/transcript/model.ts';
import { exampleFailures } from './core/features/citations.ts';
import { decodeText } from './lsp/workspaceFiles.ts';
import { chunkSize, readLines } from './lineReader.ts';
import { reportWriter, type CheckStats, type Format, type ReportedProblem, type ReportWriter } from './reportWriter.ts';

export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  /** Where the bundled starter constitution is. */
  readonly starterPath: string;
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

/** What one run keeps while it reads: the writer, the totals, and whether to exit 1 or 2. */
interface Run {
  readonly writer: ReportWriter;
  readonly stats: CheckStats;
  errors: boolean;
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
  const constitutionFiles = constitutionPaths.length > 0 ? constitutionPaths : [io.starterPath];
  for (const path of constitutionFiles) {
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
      run.writer.problem(reportProblem(display, p, lines));
    }
    const uri = pathToFileURL(path).toString();
    loaded.push({ uri, constitution });
    sources.set(uri, { display, lines });
  }
  if (loaded.length > 0) {
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
  run.stats.ms = Math.round(performance.now() - started);
  run.writer.end(run.stats, loaded);
  if (unreadable) return 2;
  return run.errors ? 1 : 0;
}

/** Whether every constitution file is the bundled starter itself, however its path was written. */
async function onlyStarter(paths: readonly string[], starterPath: string): Promise<boolean> {
  const real = (path: string) => fs.realpath(path).catch(() => resolve(path));
  const starter = await real(starterPath);
  for (const path of paths) if ((await real(path)) !== starter) return false;
  return true;
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

async function checkFile(path: string, display: string, ruleset: Ruleset, run: Run): Promise<void> {
  run.stats.files++;
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) {
    await checkJsonl(path, display, ruleset, run);
    return;
  }
  const bytes = await fs.readFile(path);
  run.stats.bytes += bytes.length;
  const text = decodeText(bytes, display);
  const transcript = parseTranscript(text, basename(path));
  const lines = new LineIndex(text);
  for (const p of transcript.problems) run.writer.problem(reportProblem(display, p, lines));
  countConversations(transcript.conversations, run.stats);
  writeFindings(checkTranscript(transcript, ruleset), display, run, (offset) => lines.positionAt(offset));
}

/**
 * Checks a JSONL file line by line as it is read. Each line is parsed with offsets from its own
 * start, so a position is the line's number and the offset within it, whatever came before.
 */
async function checkJsonl(path: string, display: string, ruleset: Ruleset, run: Run): Promise<void> {
  let index = 0;
  let lineNumber = 0;
  const at = (offset: number) => ({ line: lineNumber, character: offset });
  const onLine = (line: string, number: number) => {
    if (isBlankLine(line)) return;
    lineNumber = number;
    const parsed = checkedLine(line, index++);
    for (const p of parsed.problems) {
      run.writer.problem({ path: display, range: { start: at(p.span.start), end: at(p.span.end) }, code: p.code, severity: p.severity, message: p.message });
    }
    countConversations(parsed.conversations, run.stats);
    for (const conversation of parsed.conversations) writeFindings(checkConversation(conversation, ruleset), display, run, at);
  };
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  const totals = await readLines(stream, onLine, () => run.writer.backlog());
  run.stats.bytes += totals.bytes;
}

/**
 * Keys of a record that no check reads: where it came from, its split, how it was labelled, its
 * metadata. The scanner still holds their values to strict JSON but builds nothing for them.
 */
const uncheckedKeys: ReadonlySet<string> = new Set(['source', 'split', 'label_kind', 'meta']);

/**
 * One JSONL line as {@link parseJsonlLine} reads it (spans from the line's start), without the
 * conversations' `meta`, which no check reads and no report shows. A line the fast scanner does not
 * take (not strict JSON, or nested very deep) is read by `parseJsonlLine` itself, which reports the
 * first error where jsonc-parser finds it.
 */
export function checkedLine(line: string, index: number): { conversations: Conversation[]; problems: Problem[] } {
  const root = scanJson(line, uncheckedKeys);
  if (!root) return parseJsonlLine(line, index, 0);
  const reader = new JsonReader(line, 0, { withoutMeta: true });
  const conversations = reader.fromValue(root, index);
  return { conversations, problems: reader.problems };
}

function countConversations(conversations: readonly Conversation[], stats: CheckStats): void {
  stats.conversations += conversations.length;
  for (const c of conversations) stats.turns += c.turns.length;
}

function writeFindings(
  findings: readonly Finding[],
  path: string,
  run: Run,
  at: (offset: number) => { line: number; character: number },
): void {
  for (const f of findings) {
    if (f.reviewed) {
      run.stats.reviewed++;
      continue;
    }
    if (f.severity === 'error') run.errors = true;
    run.writer.finding({
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
