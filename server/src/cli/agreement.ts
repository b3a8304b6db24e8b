/**
 * `constitution-lens agreement`: how far a judge agrees with the reviewers' labels, clause by clause
 * and rule by rule, with the counts behind every figure. The judge is the detectors (the default) or
 * the results of model critiques (the JSONL that `critique --dataset` and "Critique Dataset" write).
 * Labels come from label and review notes in the files, and from datasets' own fields.
 */
import { promises as fs } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTranscript, compileRuleset } from '../core/detectors/index.ts';
import type { Ruleset } from '../core/detectors/types.ts';
import { measureAgreement, type Agreement, type AgreementRow, type JudgedTurn, type JudgeVerdict } from '../core/labels/measureAgreement.ts';
import { detectorVerdicts, fileLabels, knownClauses } from '../core/labels/gather.ts';
import type { Label, RecordLabelOptions } from '../core/labels/labels.ts';
import { decodeText, LineIndex } from '../core/text.ts';
import type { Transcript } from '../core/transcript/model.ts';
import { isJsonlFileName, isTranscriptFileName, parseTranscript } from '../core/transcript/parse.ts';
import { readConstitutions } from './readConstitutions.ts';
import { collectFiles, noFiles, type WalkOptions } from './walkFolder.ts';
import { readModelFiles } from '../modelFiles.ts';


export interface AgreementIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly starterPath: string;
}

export const agreementUsage = `Usage: constitution-lens agreement [--constitution FILE]... [--judge detectors|FILE] [--format text|json|markdown]
                                  [--label-field PATH] [--clause-field PATH] [--violation VALUE]... [--ok VALUE]... [--no-ignore] PATH...

Compares a judge with the reviewers' labels, per clause and per rule: labelled turns, TP, FP, FN, TN,
precision, recall, F1 and Cohen's kappa. The judge is the detectors (default) or a file of critique
results (NAME.critique.jsonl). Labels are notes on turns ("violates [[clause]]: why", "complies with
[[clause]]", and "reviewed RULE: why") and, in datasets, a record's fields: --label-field (default
label) read against --violation (default violation) and --ok (default ok), any other value left out,
and --clause-field (default principle_hint; a leading # is ignored). Hint-level findings are
observations, not verdicts, and are left out. Labels naming no clause in use are compared with any
finding on their turn (a row with no clause) and listed as unmatched. A folder walk leaves out what
its .gitignore files ignore, and says how much; --no-ignore reads it too.

Exit codes: 0 measured; 2 a usage error, an unreadable input, or no labels to measure.`;

type Format = 'text' | 'json' | 'markdown';

interface AgreementArgs {
  constitutions: string[];
  judge: string;
  format: Format;
  labelField: string;
  clauseField: string;
  violation: string[];
  ok: string[];
  /** Whether a folder walk honours the `.gitignore` files (all but `--no-ignore`). */
  gitIgnore: boolean;
  paths: string[];
}

function parseArgs(argv: readonly string[]): AgreementArgs | string {
  const args: AgreementArgs = { constitutions: [], judge: 'detectors', format: 'text', labelField: 'label', clauseField: 'principle_hint', violation: [], ok: [], gitIgnore: true, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    const needs = (what: string) => `${flag} needs ${what}.`;
    switch (flag) {
      case '--constitution':
      case '-c': {
        const v = value();
        if (!v) return needs('a file');
        args.constitutions.push(v);
        break;
      }
      case '--judge': {
        const v = value();
        if (!v) return needs('detectors or a file of critique results');
        args.judge = v;
        break;
      }
      case '--format':
      case '-f': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'markdown') return `--format takes text, json or markdown, not ${v ?? 'nothing'}.`;
        args.format = v;
        break;
      }
      case '--label-field':
      case '--clause-field': {
        const v = value();
        if (!v) return needs('a field path such as meta.final_label');
        if (flag === '--label-field') args.labelField = v;
        else args.clauseField = v;
        break;
      }
      case '--violation':
      case '--ok': {
        const v = value();
        if (v === undefined) return needs('a value');
        (flag === '--ok' ? args.ok : args.violation).push(v);
        break;
      }
      case '--no-ignore':
        args.gitIgnore = false;
        break;
      case '--help':
      case '-h':
        return '';
      default:
        if (a.startsWith('-') && a !== '-') return `Unknown option ${a}.`;
        args.paths.push(a);
    }
  }
  if (args.paths.length === 0) return 'Name at least one labelled file or folder.';
  return args;
}

/** A transcript file read for its labels, with the record values its labels may come from. */
interface LabelledFile {
  readonly path: string;
  readonly display: string;
  readonly transcript: Transcript;
  readonly lines: LineIndex;
}

/** An unmatched label or judge result, as printed: where it is and why it matched nothing. */
interface UnmatchedPlace {
  readonly path: string;
  readonly conversation: number;
  readonly side?: string;
  readonly turn: number;
  readonly clause?: string;
  readonly rule?: string;
  readonly line?: number;
  readonly reason: string;
}

export interface AgreementReport {
  readonly judge: string;
  readonly constitutions: ReadonlyArray<{ name: string; path: string }>;
  readonly labels: number;
  readonly clauses: readonly AgreementRow[];
  readonly rules: readonly AgreementRow[];
  readonly pairs?: Agreement['pairs'];
  readonly unmatched: readonly UnmatchedPlace[];
}

export async function runAgreement(argv: readonly string[], io: AgreementIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    (parsed === '' ? io.stdout : io.stderr).write(`${parsed ? `${parsed}\n\n` : ''}${agreementUsage}\n`);
    return parsed === '' ? 0 : 2;
  }
  const fail = (message: string) => {
    io.stderr.write(`error: ${message}\n`);
    return 2;
  };
  const found = noFiles();
  // A critique's results file sits beside its dataset; it is a judge (--judge), never labels.
  const walk: WalkOptions = { starterPath: io.starterPath, gitIgnore: parsed.gitIgnore, reads: isTranscriptFileName, skips: (name) => name.endsWith('.critique.jsonl') };
  for (const p of parsed.paths) {
    try {
      await collectFiles(resolve(io.cwd, p), found, walk);
    } catch (error) {
      return fail(`cannot read ${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
  }
  if (found.ignored.length > 0) {
    const first = found.ignored[0];
    io.stderr.write(
      `note: ignored ${found.ignored.length} ${found.ignored.length === 1 ? 'file or folder' : 'files and folders'} under .gitignore, ` +
        `such as ${display(io.cwd, first.path)}${first.folder ? '/' : ''} (\`${first.rule.pattern}\` in ${display(io.cwd, first.rule.file)}); --no-ignore reads them.\n`,
    );
  }
  const targets = found.targets.map((t) => t.path);
  const given = parsed.constitutions.length > 0 ? parsed.constitutions.map((c) => resolve(io.cwd, c)) : found.constitutions;
  const read = await readConstitutions(given, io.starterPath, io.cwd, (path) => display(io.cwd, path));
  if (read.unreadable.length > 0) return fail(read.unreadable[0]);
  const broken = [...read.problems, ...read.packProblems].filter((p) => p.problem.severity === 'error');
  if (broken.length > 0) {
    const { uri, problem } = broken[0];
    const source = read.sources.get(uri);
    const at = source ? `${source.display}:${source.lines.positionAt(problem.span.start).line + 1}` : uri;
    return fail(`${at}: ${problem.message} (run constitution-lens check to see every problem of the constitutions).`);
  }
  const loaded = read.loaded;
  const ruleset = compileRuleset(loaded);

  const files: LabelledFile[] = [];
  const labels: Label[] = [];
  const options: RecordLabelOptions = {
    violation: parsed.violation.length > 0 ? parsed.violation : ['violation'],
    ok: parsed.ok.length > 0 ? parsed.ok : ['ok'],
  };
  for (const path of targets) {
    let text: string;
    try {
      text = decodeText(await fs.readFile(path), display(io.cwd, path));
    } catch (error) {
      return fail(`cannot read ${display(io.cwd, path)}: ${(error as Error).message}`);
    }
    const file: LabelledFile = { path, display: display(io.cwd, path), transcript: parseTranscript(text, basename(path)), lines: new LineIndex(text) };
    if (file.transcript.conversations.length === 0) return fail(`${file.display} holds no conversation, so it has no turns to label.`);
    files.push(file);
    const fields = { label: parsed.labelField, clause: parsed.clauseField };
    labels.push(...fileLabels(file.display, text, isJsonlFileName(path), file.transcript.conversations, fields, options));
  }
  const pairCount = files.reduce((n, f) => n + f.transcript.conversations.filter((c) => c.side === 'rejected').length, 0);
  if (labels.length === 0 && pairCount === 0) {
    return fail(`no labelled turns in ${targets.length} file(s): label notes, reviews and the record field "${parsed.labelField}" (values ${[...options.violation, ...options.ok].join(', ')}) gave none.`);
  }

  const judged = parsed.judge === 'detectors' ? detectorJudge(files, ruleset) : await critiqueJudge(resolve(io.cwd, parsed.judge), files, io);
  if ('error' in judged) return fail(judged.error);
  // A critique names clauses, not rules: rule rows are measured for the detectors alone.
  const clauses = knownClauses(loaded, parsed.judge === 'detectors' ? ruleset : undefined);
  const pairs = files.flatMap((f) => [...new Set(f.transcript.conversations.filter((c) => c.side).map((c) => c.index))].map((conversation) => ({ file: f.display, conversation })));
  const agreement = measureAgreement({ labels, verdicts: judged.verdicts, judged: judged.turns, clauses, ...(pairs.length > 0 ? { pairs } : {}) });
  const report: AgreementReport = {
    judge: parsed.judge === 'detectors' ? 'detectors' : display(io.cwd, resolve(io.cwd, parsed.judge)),
    constitutions: loaded.map((l) => ({ name: l.constitution.name, path: display(io.cwd, fileURLToPath(l.uri)) })),
    labels: labels.length,
    clauses: agreement.clauses,
    rules: agreement.rules,
    ...(agreement.pairs ? { pairs: agreement.pairs } : {}),
    unmatched: [...agreement.unmatched.map((u) => placeOf(u.label, u.reason, files)), ...judged.unmatched],
  };
  io.stdout.write(parsed.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatTable(report, parsed.format));
  return 0;
}

interface Judged {
  readonly verdicts: JudgeVerdict[];
  readonly turns?: JudgedTurn[];
  readonly unmatched: UnmatchedPlace[];
}

/** The detectors as a judge: they see every turn; their findings above hint level are verdicts. */
function detectorJudge(files: readonly LabelledFile[], ruleset: Ruleset): Judged {
  const verdicts = files.flatMap((f) => detectorVerdicts(f.display, f.transcript.conversations, checkTranscript(f.transcript, ruleset)));
  return { verdicts, unmatched: [] };
}

/** The results of model critiques as a judge: each line one critiqued turn with its findings. */
async function critiqueJudge(path: string, files: readonly LabelledFile[], io: AgreementIo): Promise<Judged | { error: string }> {
  let text: string;
  try {
    text = decodeText(await fs.readFile(path), display(io.cwd, path));
  } catch (error) {
    return { error: `cannot read the critique results ${display(io.cwd, path)}: ${(error as Error).message}` };
  }
  const named = basename(path).replace(/\.critique\.jsonl$/, '');
  const verdicts: JudgeVerdict[] = [];
  const turns: JudgedTurn[] = [];
  const unmatched: UnmatchedPlace[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let result: CritiqueLine;
    try {
      result = JSON.parse(lines[i]) as CritiqueLine;
    } catch (error) {
      return { error: `${display(io.cwd, path)}:${i + 1}: not a critique result (${(error as Error).message}).` };
    }
    if (typeof result !== 'object' || result === null || typeof result.conversation !== 'number' || typeof result.turn !== 'number') {
      return { error: `${display(io.cwd, path)}:${i + 1}: a critique result needs numbers "conversation" and "turn".` };
    }
    if (result.error) continue;
    const file = files.find((f) => (result.path ? f.display === result.path || f.path === resolve(io.cwd, result.path) : files.length === 1 || basename(f.path) === named));
    const side = result.side === 'chosen' || result.side === 'rejected' ? result.side : undefined;
    const conversation = file?.transcript.conversations.find((c) => c.index === result.conversation && c.side === side);
    const where = { path: display(io.cwd, path), conversation: result.conversation, ...(side ? { side } : {}), turn: result.turn, line: i + 1 };
    if (!file || !conversation || !conversation.turns[result.turn]) {
      unmatched.push({ ...where, reason: file ? 'the critique result names a turn the labelled file does not have' : 'the critique result names no labelled file given' });
      continue;
    }
    turns.push({ file: file.display, conversation: result.conversation, ...(side ? { side } : {}), turn: result.turn });
    for (const f of Array.isArray(result.findings) ? result.findings : []) {
      if (typeof f?.principle !== 'string' || f.severity === 'hint') continue;
      verdicts.push({ file: file.display, conversation: result.conversation, ...(side ? { side } : {}), turn: result.turn, clause: f.principle, severity: String(f.severity ?? '') });
    }
  }
  return { verdicts, turns, unmatched };
}

interface CritiqueLine {
  readonly path?: string;
  readonly conversation: number;
  readonly side?: string;
  readonly turn: number;
  readonly findings?: ReadonlyArray<{ principle?: unknown; severity?: unknown }>;
  readonly error?: unknown;
}

function placeOf(label: Label, reason: string, files: readonly LabelledFile[]): UnmatchedPlace {
  const file = files.find((f) => f.display === label.file);
  return {
    path: label.file ?? '',
    conversation: label.conversation,
    ...(label.side ? { side: label.side } : {}),
    turn: label.turn,
    ...(label.clause ? { clause: label.clause } : {}),
    ...(label.rule ? { rule: label.rule } : {}),
    ...(label.span && file ? { line: file.lines.positionAt(label.span.start).line + 1 } : {}),
    reason: `the label ${reason}`,
  };
}

const figure = (x: number | null) => (x === null ? '-' : x.toFixed(2));

function formatTable(report: AgreementReport, format: 'text' | 'markdown'): string {
  const head = ['clause', 'rule', 'n', 'TP', 'FP', 'FN', 'TN', 'precision', 'recall', 'F1', 'kappa', 'unseen'];
  const cells = (r: AgreementRow) => [
    r.clause === null ? `(any clause of ${r.constitution ?? 'the constitutions'})` : `${r.constitution}#${r.clause}`,
    r.rule ?? '',
    String(r.n),
    String(r.tp),
    String(r.fp),
    String(r.fn),
    String(r.tn),
    figure(r.precision),
    figure(r.recall),
    figure(r.f1),
    figure(r.kappa),
    String(r.unseen),
  ];
  const rows = [...report.clauses, ...report.rules].map(cells);
  const out: string[] = [];
  out.push(`Agreement of ${report.judge} with ${report.labels} label(s), against ${report.constitutions.map((c) => `${c.name} (${c.path})`).join(', ')}.`, '');
  if (format === 'markdown') {
    out.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  } else {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    out.push(line(head));
    for (const r of rows) out.push(line(r));
  }
  if (rows.length === 0) out.push('No labelled turn names a clause or rule the judge could be measured on.');
  if (report.pairs) {
    const p = report.pairs;
    out.push('', `Pairs: ${p.pairs}; the judge finds more against "rejected" in ${p.rejectedMore}, more against "chosen" in ${p.chosenMore}, as many in ${p.equal}.`);
  }
  if (report.unmatched.length > 0) {
    out.push('', `Unmatched: ${report.unmatched.length} (--format json lists each with its place)`);
    const byReason = new Map<string, UnmatchedPlace[]>();
    for (const u of report.unmatched) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u]);
    for (const [reason, places] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
      const first = places[0];
      const at = `${first.path}${first.line ? `:${first.line}` : ''} conversation ${first.conversation}${first.side ? ` (${first.side})` : ''}, turn ${first.turn}`;
      out.push(`  ${places.length} x ${reason}${places.length > 1 ? `; first at ${at}` : ` (${at})`}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : path;
}
