/**
 * `constitution-lens critique`: a model critique of one turn, or of every judged turn of a dataset,
 * from the command line. Reads the key from ANTHROPIC_API_KEY and the endpoint from ANTHROPIC_BASE_URL.
 *
 *   constitution-lens critique [--constitution FILE]... [--conversation N] --turn N [--format text|json] FILE
 *   constitution-lens critique --dataset FILE [--constitution FILE]...
 *
 * A dataset is estimated first (tokens and approximate cost), then critiqued through the Message
 * Batches API, or with ordinary concurrent requests when it has fewer turns than the batch threshold.
 * Results go to `FILE.critique.jsonl`, one line per turn; a batch's state is kept in
 * `FILE.critique-job.json` until its results are in, so running the command again resumes it. Ctrl-C
 * while a batch runs cancels it at the API, keeps the results that had come back, and exits 130.
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Constitution } from '../core/constitution/model.ts';
import { readConstitution } from './starterModel.ts';
import { LineIndex, type Range } from '../core/text.ts';
import type { Conversation, Turn } from '../core/transcript/model.ts';
import { conversationName, turnName } from '../core/transcript/placeName.ts';
import { parseTranscript } from '../core/transcript/parse.ts';
import {
  cancelBatch,
  collectBatch,
  commandLineWording,
  critiqueConcurrently,
  CritiqueFault,
  critiqueTurn,
  customIdOf,
  estimateDataset,
  FileCritiqueCache,
  submitBatch,
  waitForBatch,
  type BatchJob,
  type BatchProgress,
  type CritiqueError,
  type CritiqueOutcome,
  type CritiqueRequest,
  type CritiqueResult,
  type DatasetEstimate,
  type DatasetItem,
  type Wording,
} from '../critique/index.ts';

/** Where the command writes and what it reads from its surroundings. */
export interface CritiqueIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** The bundled starter constitution, used when no `--constitution` is given. */
  readonly starterPath?: string;
  /** Where Ctrl-C is heard while a batch runs; the process by default. */
  readonly interrupts?: Interrupts;
}

/** The part of `process` that delivers SIGINT. */
export interface Interrupts {
  once(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
}

export const critiqueUsage = `Usage:
  constitution-lens critique [--constitution FILE]... [--conversation N] --turn N [--format text|json] FILE
  constitution-lens critique --dataset FILE [--constitution FILE]... [--turn N]

Options:
  --constitution FILE   A constitution to critique against (repeatable); the starter constitution by default.
  --conversation N      The conversation of FILE (0-based, default 0).
  --turn N              The turn to critique (0-based). With --dataset, only that turn of each conversation.
  --format text|json    How to print the result (default text).
  --model ID            The model (default claude-sonnet-5-5, or CONSTITUTION_LENS_MODEL).
  --max-tokens N        The most tokens an answer may use (default 4096).
  --dataset FILE        Critique every judged turn of a JSONL dataset (the target turn of labelled
                        records, else every assistant turn).
  --batch-threshold N   Datasets with fewer turns go as concurrent requests instead of a batch (default 20).
  --concurrency N       Concurrent requests for small datasets (default 4).
  --poll-interval S     Seconds between polls of a batch (default 30).

Environment: ANTHROPIC_API_KEY (required), ANTHROPIC_BASE_URL (optional).
Ctrl-C while a batch runs cancels the batch and keeps the results that had come back.
Exit codes: 0 no error-level findings, 1 some, 2 a usage or input error or an API fault, 130 interrupted.`;


interface Args {
  constitutions: string[];
  conversation: number;
  turn?: number;
  format: 'text' | 'json';
  model: string;
  maxTokens: number;
  dataset?: string;
  file?: string;
  batchThreshold: number;
  concurrency: number;
  pollSeconds: number;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[], env: CritiqueIo['env']): Args {
  const args: Args = {
    constitutions: [],
    conversation: 0,
    format: 'text',
    model: env.CONSTITUTION_LENS_MODEL || 'claude-sonnet-5-5',
    maxTokens: 4096,
    batchThreshold: 20,
    concurrency: 4,
    pollSeconds: 30,
  };
  const rest = argv[0] === 'critique' ? argv.slice(1) : [...argv];
  const value = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return v;
  };
  const count = (flag: string): number => {
    const v = value(flag);
    if (!/^\d+$/.test(v)) throw new UsageError(`${flag} takes a whole number, not "${v}".`);
    return Number(v);
  };
  while (rest.length > 0) {
    const a = rest.shift()!;
    switch (a) {
      case '--constitution': args.constitutions.push(value(a)); break;
      case '--conversation': args.conversation = count(a); break;
      case '--turn': args.turn = count(a); break;
      case '--format': {
        const f = value(a);
        if (f !== 'text' && f !== 'json') throw new UsageError(`--format is text or json, not "${f}".`);
        args.format = f;
        break;
      }
      case '--model': args.model = value(a); break;
      case '--max-tokens': args.maxTokens = count(a); break;
      case '--dataset': args.dataset = value(a); break;
      case '--batch-threshold': args.batchThreshold = count(a); break;
      case '--concurrency': args.concurrency = Math.max(1, count(a)); break;
      case '--poll-interval': args.pollSeconds = count(a); break;
      default:
        if (a.startsWith('--')) throw new UsageError(`Unknown option ${a}.`);
        if (args.file !== undefined) throw new UsageError(`One transcript at a time: got ${args.file} and ${a}.`);
        args.file = a;
    }
  }
  if (args.dataset === undefined) {
    if (args.file === undefined) throw new UsageError('Name the transcript to critique.');
    if (args.turn === undefined) throw new UsageError('Name the turn to critique with --turn N.');
  } else if (args.file !== undefined) {
    throw new UsageError(`With --dataset, name no other transcript (got ${args.file}).`);
  }
  return args;
}

/** Runs the command; resolves to the exit code. */
export async function runCritique(argv: readonly string[], io: CritiqueIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${critiqueUsage}\n`);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv, io.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`${e.message}\n\n${critiqueUsage}\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const constitution = await loadConstitutions(args.constitutions.map((c) => resolve(cwd, c)), io);
  if (!constitution) return 2;
  const endpoint = { apiKey: io.env.ANTHROPIC_API_KEY || undefined, baseURL: io.env.ANTHROPIC_BASE_URL || undefined, wording: commandLineWording };
  return args.dataset !== undefined
    ? critiqueDataset(resolve(cwd, args.dataset), args, constitution, endpoint, io)
    : critiqueOne(resolve(cwd, args.file!), args, constitution, endpoint, io);
}

async function loadConstitutions(paths: string[], io: CritiqueIo): Promise<Constitution | undefined> {
  const files = paths.length > 0 ? paths : [io.starterPath ?? resolve(__dirname, '..', 'constitutions', 'starter.constitution.md')];
  const loaded: Constitution[] = [];
  for (const path of files) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) {
      io.stderr.write(`Cannot read the constitution ${path}.\n`);
      return undefined;
    }
    const c = readConstitution(text, basename(path));
    if (c.clauses.length === 0) {
      io.stderr.write(`The constitution ${path} has no clauses.\n`);
      return undefined;
    }
    loaded.push(c);
  }
  if (loaded.length === 1) return loaded[0];
  // Several constitutions are critiqued against as one, their clauses in the order given.
  return {
    ...loaded[0],
    name: loaded.map((c) => c.name).join('+'),
    title: loaded.map((c) => c.title).join(' + '),
    clauses: loaded.flatMap((c) => c.clauses),
    problems: [],
  };
}

interface Endpoint {
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly wording: Wording;
}

async function readTranscript(path: string, io: CritiqueIo): Promise<{ text: string; conversations: readonly Conversation[] } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) {
    io.stderr.write(`Cannot read ${path}.\n`);
    return undefined;
  }
  return { text, conversations: parseTranscript(text, basename(path)).conversations };
}

async function critiqueOne(path: string, args: Args, constitution: Constitution, endpoint: Endpoint, io: CritiqueIo): Promise<number> {
  const transcript = await readTranscript(path, io);
  if (!transcript) return 2;
  const conversation = transcript.conversations[args.conversation];
  if (!conversation) {
    io.stderr.write(`${path} has no conversation ${args.conversation} (it has ${transcript.conversations.length}).\n`);
    return 2;
  }
  if (!conversation.turns[args.turn!]) {
    io.stderr.write(`Conversation ${args.conversation} of ${path} has no turn ${args.turn} (it has ${conversation.turns.length}).\n`);
    return 2;
  }
  const request: CritiqueRequest = {
    model: args.model,
    maxTokens: args.maxTokens,
    constitution,
    conversation,
    turnIndex: args.turn!,
    documentText: transcript.text,
  };
  const outcome = await critiqueTurn(request, endpoint);
  if (!outcome.ok) return fault(outcome.error, io);
  const lines = new LineIndex(transcript.text);
  const report = reportOf(path, args.conversation, args.turn!, outcome.result, lines);
  if (args.format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(textReport(path, report, conversation.turns[args.turn!]));
  return outcome.result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function fault(error: CritiqueError, io: CritiqueIo): number {
  io.stderr.write(`${error.message}\n`);
  return 2;
}

/** One critiqued turn as printed and as written to the dataset's JSONL. */
interface TurnReport {
  readonly custom_id: string;
  readonly path: string;
  readonly conversation: number;
  readonly turn: number;
  readonly model: string;
  readonly findings: ReadonlyArray<{ principle: string; quote: string; critique: string; severity: string; range?: Range }>;
  readonly dropped: ReadonlyArray<{ principle: string; quote: string; critique: string; severity: string; reason: string }>;
  readonly revision: string;
  readonly usage: CritiqueResult['usage'];
  readonly cached: boolean;
}

function reportOf(path: string, conversation: number, turn: number, r: CritiqueResult, lines: LineIndex): TurnReport {
  return {
    custom_id: customIdOf(conversation, turn),
    path,
    conversation,
    turn,
    model: r.model,
    findings: r.findings.map((f) => ({
      principle: f.principle,
      quote: f.quote,
      critique: f.critique,
      severity: f.severity,
      ...(f.span ? { range: lines.rangeOf(f.span) } : {}),
    })),
    dropped: r.dropped.map((d) => ({ ...d.finding, reason: d.reason })),
    revision: r.revision,
    usage: r.usage,
    cached: r.cached,
  };
}

function textReport(path: string, r: TurnReport, turn: Turn): string {
  const out = [`${path}: ${conversationName({ index: r.conversation })}, ${turnName(turn)}, critiqued by ${r.model}`, ''];
  if (r.findings.length === 0) out.push('No findings.');
  else {
    out.push('Findings:');
    for (const f of r.findings) {
      const at = f.range ? `${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1}` : '?';
      out.push(`  ${path}:${at} ${f.severity} [${f.principle}] ${f.critique}`, `    "${f.quote}"`);
    }
  }
  if (r.dropped.length > 0) {
    out.push('', 'Dropped (not placed in the turn):');
    for (const d of r.dropped) out.push(`  [${d.principle}] "${d.quote}": ${d.reason}`);
  }
  out.push('', 'Revision:', ...r.revision.split('\n').map((l) => `  ${l}`), '');
  out.push(usageLine(r.usage, r.cached), '');
  return out.join('\n');
}

function usageLine(u: CritiqueResult['usage'], cached: boolean): string {
  if (cached) return 'Usage: none (the result came from the critique cache).';
  const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return `Usage: ${input} input tokens (${u.cache_read_input_tokens} read from cache, ${u.cache_creation_input_tokens} written to cache), ${u.output_tokens} output tokens.`;
}

async function critiqueDataset(path: string, args: Args, constitution: Constitution, endpoint: Endpoint, io: CritiqueIo): Promise<number> {
  const transcript = await readTranscript(path, io);
  if (!transcript) return 2;
  const outPath = `${path}.critique.jsonl`;
  const jobPath = `${path}.critique-job.json`;
  const cache = new FileCritiqueCache(`${path}.critique-cache`);
  const lines = new LineIndex(transcript.text);
  const done = await finishedIds(outPath);

  const requestOf = (conversation: number, turn: number): CritiqueRequest | undefined => {
    const c = transcript.conversations[conversation];
    return c?.turns[turn]
      ? { model: args.model, maxTokens: args.maxTokens, constitution, conversation: c, turnIndex: turn, documentText: transcript.text }
      : undefined;
  };
  const items: DatasetItem[] = [];
  for (const c of transcript.conversations) {
    const turns = args.turn !== undefined ? [args.turn] : c.targetTurn !== undefined ? [c.targetTurn] : c.turns.filter((t) => t.role === 'assistant').map((t) => t.index);
    for (const t of turns) {
      const id = customIdOf(c.index, t);
      const request = requestOf(c.index, t);
      if (request && !done.has(id)) items.push({ customId: id, request });
    }
  }

  let findings = 0;
  let errorFindings = 0;
  let faults = 0;
  const record = async (id: string, outcome: CritiqueOutcome) => {
    const [conversation, turn] = id.slice(1).split('-t').map(Number);
    if (!outcome.ok) {
      faults++;
      io.stderr.write(`${id}: ${outcome.error.message}\n`);
      return;
    }
    findings += outcome.result.findings.length;
    errorFindings += outcome.result.findings.filter((f) => f.severity === 'error').length;
    await appendFile(outPath, `${JSON.stringify(reportOf(path, conversation, turn, outcome.result, lines))}\n`, 'utf8');
  };

  try {
    let job: BatchJob | undefined = existsSync(jobPath) ? (JSON.parse(await readFile(jobPath, 'utf8')) as BatchJob) : undefined;
    if (job) {
      io.stdout.write(`Resuming batch ${job.batchId} (${Object.keys(job.requests).length} turns).\n`);
    } else {
      if (items.length === 0) {
        io.stdout.write(`Nothing to critique: every judged turn of ${path} is already in ${outPath}.\n`);
        return 0;
      }
      const estimate = await estimateDataset(items, endpoint);
      io.stdout.write(estimateText(estimate, items.length >= args.batchThreshold));
      if (items.length < args.batchThreshold) {
        await critiqueConcurrently(items, { ...endpoint, cache, concurrency: args.concurrency, onResult: record });
      } else {
        job = await submitBatch(items, endpoint);
        await writeFile(jobPath, JSON.stringify(job, null, 2), 'utf8');
        io.stdout.write(`Submitted batch ${job.batchId}; its state is in ${jobPath}, so running this again resumes it.\n`);
      }
    }
    if (job) {
      const j = job;
      const total = Object.keys(j.requests).length;
      const interrupted = await waitOrCancel(j, args, endpoint, io);
      if (interrupted === 'unconfirmed') return 130;
      let kept = 0;
      await collectBatch(j, (_id, entry) => requestOf(entry.conversation, entry.turn), {
        ...endpoint,
        onResult: async (id, outcome, key) => {
          if (done.has(id)) return;
          // Requests the cancel stopped are not faults: the next run critiques them.
          if (interrupted && !outcome.ok && outcome.error.kind === 'cancelled') return;
          if (outcome.ok) await cache.set(key, outcome.result);
          kept++;
          await record(id, outcome);
        },
      });
      await rm(jobPath, { force: true });
      if (interrupted) {
        const rest = total - kept;
        io.stdout.write(
          `Cancelled batch ${j.batchId}: ${kept} of ${total} turns had come back${kept > 0 ? ` and are in ${outPath}` : ''}; ` +
            `${rest > 0 ? `run this again to critique the other ${rest}` : 'nothing was left to critique'}.\n`,
        );
        return 130;
      }
    }
  } catch (e) {
    if (e instanceof CritiqueFault) return fault(e.error, io);
    throw e;
  }
  io.stdout.write(`Wrote ${outPath}: ${findings} findings (${errorFindings} at error level)${faults ? `; ${faults} turns failed and can be run again` : ''}.\n`);
  if (faults > 0) return 2;
  return errorFindings > 0 ? 1 : 0;
}

/**
 * Polls the batch until it ends. On Ctrl-C, cancels it at the API and waits for it to end, resolving
 * to true; a second Ctrl-C ends the process as usual. When the cancel itself fails, says so and
 * resolves to `unconfirmed`, leaving the job file so that a later run collects the batch.
 */
async function waitOrCancel(job: BatchJob, args: Args, endpoint: Endpoint, io: CritiqueIo): Promise<boolean | 'unconfirmed'> {
  const interrupts = io.interrupts ?? process;
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  const total = Object.keys(job.requests).length;
  const report = (p: BatchProgress) => io.stdout.write(`Batch ${job.batchId}: ${p.succeeded + p.errored + p.canceled + p.expired} of ${total} done.\n`);
  interrupts.once('SIGINT', onInterrupt);
  try {
    await waitForBatch(job, { ...endpoint, intervalMs: args.pollSeconds * 1000, signal: abort.signal, onProgress: report });
    return false;
  } catch (e) {
    if (!(e instanceof CritiqueFault && e.error.kind === 'cancelled' && abort.signal.aborted)) throw e;
  } finally {
    interrupts.off('SIGINT', onInterrupt);
  }
  io.stderr.write(`Interrupted: cancelling batch ${job.batchId} (Ctrl-C again to stop waiting)…\n`);
  try {
    const progress = await cancelBatch(job, endpoint);
    if (!progress.ended) await waitForBatch(job, { ...endpoint, intervalMs: Math.min(args.pollSeconds * 1000, 2000), onProgress: report });
    return true;
  } catch (e) {
    if (!(e instanceof CritiqueFault)) throw e;
    io.stderr.write(`The batch ${job.batchId} could not be cancelled: ${e.error.message} It may still run; run this command again to collect it.\n`);
    return 'unconfirmed';
  }
}

async function finishedIds(outPath: string): Promise<Set<string>> {
  const text = await readFile(outPath, 'utf8').catch(() => '');
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    try {
      const id = (JSON.parse(line) as { custom_id?: unknown }).custom_id;
      if (typeof id === 'string') ids.add(id);
    } catch {
      // A line cut short by a crash is critiqued again.
    }
  }
  return ids;
}

function estimateText(e: DatasetEstimate, batch: boolean): string {
  const cost = e.costUSD
    ? `about $${(batch ? e.costUSD.batch : e.costUSD.standard).toFixed(2)} at most${batch ? ' (batch price)' : ''}, approximately`
    : `no price known for ${e.model}`;
  return [
    `Estimate: ${e.requests} turns, ${e.inputTokens} input tokens (${e.cachedPrefixTokens} of each request's prefix read from cache after the first), at most ${e.maxOutputTokens} output tokens; ${cost}.`,
    batch ? 'Sending them as a message batch.' : 'Sending them as concurrent requests.',
    '',
  ].join('\n');
}
