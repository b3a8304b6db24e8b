/**
 * Check throughput and memory. The headline: the built command, `node dist/cli.js check --format
 * json` with the starter constitution, on a JSONL of at least 100 MB built by repeating the dev
 * corpus, run as a child process with its output drained (on one thread per core, as a user runs
 * it, and on one thread), beside child processes that read the same file the same way (the CLI's
 * line reader, on one thread) and call `JSON.parse` on each line, or only split it. Targets: at
 * least a third of the `JSON.parse` reader's rate, and a peak memory that follows the longest line,
 * not the file (it stays flat from 100 MB to 200 MB).
 *
 * Below that, the parser and detectors in memory, and the prose linter `alex` as a peer on a sample
 * of the same turn texts; and the cost of the starter's learned detectors: the same check with them
 * on beside the phrase detectors alone, in interleaved rounds (target: at most half again the time).
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { corpusJsonl } from './dataset.ts';
import { median } from './stats.ts';
import { parseConstitution } from '../server/src/core/constitution/parse.ts';
import { checkConversation, checkConversations, compileRuleset, type Ruleset } from '../server/src/core/detectors/index.ts';
import { parseJsonlLine } from '../server/src/core/transcript/jsonl.ts';
import { turnText, type Conversation } from '../server/src/core/transcript/model.ts';
import { verbatimText } from '../server/src/core/text.ts';
import { readModelFiles } from '../server/src/modelFiles.ts';

const targetBytes = 100 * 1024 * 1024;
const dataDir = join(process.cwd(), 'bench', 'data');
const dataFile = join(dataDir, 'corpus-100mb.jsonl');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * Rounds of the end-to-end runs, which take seconds each: the best of five, for the command and its
 * reference alike, is steadier on a shared machine than the best of three.
 */
const endToEndRounds = Number(process.env.BENCH_ROUNDS ?? 5);
const alexSampleBytes = 2 * 1024 * 1024;

/** The same data file as the parse benchmark, built here when that one has not run. */
async function buildData(): Promise<boolean> {
  return (await corpusJsonl('corpus-100mb.jsonl', targetBytes, 'check')) !== undefined;
}

/** The starter's detectors: the phrase detectors alone, or with the learned ones, whose models are read beside it. */
function starter(learned = false): Ruleset {
  const path = join(process.cwd(), 'constitutions', 'starter.constitution.md');
  const constitution = parseConstitution(readFileSync(path, 'utf8'), 'starter.constitution.md');
  const models = learned ? readModelFiles(path, constitution) : undefined;
  return compileRuleset([models ? { uri: path, constitution, models } : { uri: path, constitution }]);
}

function timeIt(fn: () => number): { ms: number; n: number } {
  globalThis.gc?.();
  const t0 = performance.now();
  const n = fn();
  return { ms: performance.now() - t0, n };
}

const mb = (chars: number) => chars / 1024 / 1024;

/**
 * The reference readers, bundled from the CLI's own line reader so that they read exactly as the CLI
 * does on one thread: `start` only starts, `split` reads and splits the lines, `parse` also calls
 * `JSON.parse` on each non-blank one, `readline` splits with `node:readline` as the CLI once did.
 */
const readerSource = `
import { createReadStream, fstatSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { readLineRange } from './server/src/cli/lineReader.ts';

async function main(mode: string, path: string): Promise<void> {
  let n = 0;
  if (mode === 'start') return;
  if (mode === 'readline') {
    const input = createReadStream(path, { highWaterMark: 1 << 16 });
    for await (const line of createInterface({ input, crlfDelay: Infinity })) n += line.length;
  } else {
    const fd = openSync(path, 'r');
    const range = { start: 0, end: fstatSync(fd).size };
    if (mode === 'split') {
      readLineRange(fd, range, (line) => { n += line.length; });
    } else {
      readLineRange(fd, range, (line) => {
        if (line.length > 0) n += (JSON.parse(line) as { messages?: unknown[] }).messages?.length ?? 0;
      });
    }
  }
  process.stdout.write(String(n) + '\\n');
}
main(process.argv[2], process.argv[3]);
`;

/**
 * Reports the process's peak resident set size (getrusage's, in KiB) and the CPU time of all its
 * threads (in microseconds) on file descriptor 3 as it exits.
 */
export const peakProbe =
  "process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(3, u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime)); });\n";

export interface ChildRun {
  readonly ms: number;
  /** Peak resident set size in bytes. */
  readonly peak: number;
  /** CPU time of all its threads, user and system, in milliseconds. */
  readonly cpuMs: number;
  readonly outBytes: number;
  readonly code: number | null;
}

/**
 * Runs `node [--require probe] args...`, draining its output, timing it from spawn to exit. An exit
 * code other than `expected` (by default 0, and 1 for a check that found something) fails the bench.
 */
export function runChild(probe: string, args: readonly string[], expected: readonly number[] = [0, 1]): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--require', probe, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let outBytes = 0;
    let peak = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      peak += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === null || !expected.includes(code)) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      else {
        const [rss, cpu] = peak.split(' ').map(Number);
        resolvePromise({ ms, peak: rss * 1024, cpuMs: cpu / 1000, outBytes, code });
      }
    });
  });
}

/** The longest line of a file in bytes, read in chunks so that the bench itself stays small. */
function longestLine(path: string): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let longest = 0;
  let current = 0;
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
    let from = 0;
    for (let nl = buffer.indexOf(10, from); nl >= 0 && nl < n; nl = buffer.indexOf(10, from)) {
      longest = Math.max(longest, current + nl - from);
      current = 0;
      from = nl + 1;
    }
    current += n - from;
  }
  closeSync(fd);
  return Math.max(longest, current);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/**
 * The built command end to end, beside the reference readers, in interleaved rounds. The probe, the
 * readers and the one-record file are written to a folder of this run's own, not beside the data,
 * which other runs may be reading at the same time.
 */
async function endToEnd(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'lens-bench-check-'));
  try {
    await endToEndIn(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function endToEndIn(scratch: string): Promise<void> {
  const cli = join(process.cwd(), 'dist', 'cli.js');
  const probe = join(scratch, 'peak-probe.cjs');
  const reader = join(scratch, 'check-reader.cjs');
  // The CLI's floor: start-up and the constitution, on one short record (an empty file is an input
  // error, since nothing unreadable may pass).
  const empty = join(scratch, 'one-record.jsonl');
  writeFileSync(probe, peakProbe);
  writeFileSync(empty, '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}\n');
  await esbuild.build({
    stdin: { contents: readerSource, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'check-reader.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: reader,
    logLevel: 'warning',
  });
  const bytes = statSync(dataFile).size;
  const starterPath = join('constitutions', 'starter.constitution.md');
  const check = (file: string, ...options: string[]) => [cli, 'check', '--format', 'json', ...options, '--constitution', starterPath, file];
  // The 200 MB file is checked in the same rounds as the 100 MB one, so that both meet the same
  // state of a shared machine.
  const bigFile = await corpusJsonl('corpus-200mb.jsonl', 2 * targetBytes, 'check');
  const runs = {
    start: () => runChild(probe, [reader, 'start', dataFile], [0]),
    readline: () => runChild(probe, [reader, 'readline', dataFile], [0]),
    split: () => runChild(probe, [reader, 'split', dataFile], [0]),
    parse: () => runChild(probe, [reader, 'parse', dataFile], [0]),
    cliEmpty: () => runChild(probe, check(empty)),
    cli: () => runChild(probe, check(dataFile)),
    cliOneThread: () => runChild(probe, check(dataFile, '--jobs', '1')),
    cli200: () => runChild(probe, check(bigFile ?? empty)),
  } as const;
  type Name = keyof typeof runs;
  const best = new Map<Name, ChildRun>();
  const peaks = new Map<Name, number[]>();
  for (let r = 0; r < endToEndRounds; r++) {
    for (const name of Object.keys(runs) as Name[]) {
      if (name === 'cli200' && !bigFile) continue;
      const result = await runs[name]();
      peaks.set(name, [...(peaks.get(name) ?? []), result.peak]);
      const previous = best.get(name);
      // The fastest round's time and CPU; the highest peak of any round, so that memory is not flattered.
      best.set(name, {
        ...result,
        ms: Math.min(result.ms, previous?.ms ?? Infinity),
        cpuMs: Math.min(result.cpuMs, previous?.cpuMs ?? Infinity),
        peak: Math.max(result.peak, previous?.peak ?? 0),
      });
    }
  }
  const get = (name: Name) => best.get(name)!;
  const rate = (ms: number) => bytes / 1024 / 1024 / (ms / 1000);
  const row = (label: string, name: Name, withRate = true) => {
    const x = get(name);
    const speed = withRate ? `${rate(x.ms).toFixed(1).padStart(6)} MB/s` : '           ';
    console.log(
      `  ${label.padEnd(48)} ${(x.ms / 1000).toFixed(2).padStart(6)} s ${speed}   cpu ${(x.cpuMs / 1000).toFixed(2).padStart(6)} s   peak RSS ${mib(x.peak).padStart(10)}`,
    );
  };
  const cli100 = get('cli');
  console.log(
    `check, end to end: ${mib(bytes)} of JSONL, node dist/cli.js check --format json, starter constitution; ` +
      `each a child process, output drained (${mib(cli100.outBytes)} from the CLI), best time of ${endToEndRounds} interleaved rounds`,
  );
  row('node starting (the reader bundle, nothing read)', 'start', false);
  row('CLI on a one-record file (start, constitution)', 'cliEmpty', false);
  row('read + split with node:readline (the old way)', 'readline');
  row('read + split with the CLI line reader', 'split');
  row('read + split + JSON.parse per line', 'parse');
  row('check --format json --jobs 1 (one thread)', 'cliOneThread');
  row(`check --format json (${availableParallelism()} threads, one per core)`, 'cli');
  const ratio = get('parse').ms / cli100.ms;
  const ratioOne = get('parse').ms / get('cliOneThread').ms;
  console.log(`  ratio (CLI / JSON.parse reader): ${ratio.toFixed(2)}; on one thread ${ratioOne.toFixed(2)} (target at least 0.33): ${verdict(ratio >= 0.33)}`);
  // What the threads cost: the time they save against the CPU they add, both against one thread.
  const one = get('cliOneThread');
  console.log(
    `  ${availableParallelism()} threads against one: ${(one.ms / cli100.ms).toFixed(2)} x as fast, for ${(cli100.cpuMs / one.cpuMs).toFixed(2)} x the CPU ` +
      '(a second thread starts, compiles the constitutions and warms up on its own)',
  );

  // Memory: the CLI's peak over its own floor (the same command on a one-record file) against the longest
  // line; and whether it grows with the file, from 100 MB to 200 MB.
  const longest = longestLine(dataFile);
  const above = cli100.peak - get('cliEmpty').peak;
  console.log(
    `  longest line ${(longest / 1024).toFixed(1)} KiB; CLI peak RSS / (2 x longest line) = ${(cli100.peak / (2 * longest)).toFixed(0)}; ` +
      `above the CLI's floor on a one-record file: ${mib(above)} = ${(above / (2 * longest)).toFixed(0)} x (2 x longest line)`,
  );
  if (!bigFile) return;
  // Growth is told by the middle round of each size: one run's peak varies by a tenth or more on a
  // shared machine, as much as the margin it is held to, and the highest of several is the least steady.
  const [mid100, mid200] = [median(peaks.get('cli')!), median(peaks.get('cli200')!)];
  const growth = mid200 - mid100;
  const flat = growth < 0.1 * mid100;
  console.log(
    `  CLI peak RSS on ${mib(statSync(bigFile).size)}: ${mib(get('cli200').peak)} at most, middle round ${mib(mid200)}, ` +
      `${growth >= 0 ? '+' : ''}${mib(growth)} against the middle round on ${mib(bytes)} (${mib(mid100)}) (streaming: flat within 10%): ${verdict(flat)}`,
  );
  console.log(
    `  memory target (peak under a small constant x 2 x longest line, not the file size): ${verdict(flat)} as to the file size; ` +
      `the constant is node's own floor (${mib(get('start').peak)} for a bare start) plus the V8 heap's slack, not per-line memory`,
  );
}

export async function run(): Promise<void> {
  if (!(await buildData())) return;
  await endToEnd();
  const ruleset = starter();
  const text = readFileSync(dataFile, 'utf8');
  const bytes = statSync(dataFile).size;
  const lines = text.split('\n').filter((l) => l.length > 0);

  const jsonParse = () => {
    let n = 0;
    for (const l of lines) n += ((JSON.parse(l) as { messages?: unknown[] }).messages?.length ?? 0);
    return n;
  };
  const parseOnly = () => {
    let n = 0;
    let base = 0;
    for (let i = 0; i < lines.length; i++) {
      for (const c of parseJsonlLine(lines[i], i, base).conversations) n += c.turns.length;
      base += lines[i].length + 1;
    }
    return n;
  };
  const parseAndCheckWith = (rs: Ruleset) => () => {
    let n = 0;
    let base = 0;
    for (let i = 0; i < lines.length; i++) {
      // As check does: a pair's context, which both sides share, is checked once.
      n += checkConversations(parseJsonlLine(lines[i], i, base).conversations, rs).length;
      base += lines[i].length + 1;
    }
    return n;
  };
  const parseAndCheck = parseAndCheckWith(ruleset);
  const withLearned = starter(true);
  const learnedRules = withLearned.detectors.filter((d) => d.learned).length;
  if (learnedRules === 0) console.log(`(the starter's learned detectors did not load: ${withLearned.problems.map((p) => p.problem.message).join('; ')})`);
  const parseAndCheckLearned = parseAndCheckWith(withLearned);

  const best = { json: Infinity, parse: Infinity, check: Infinity, learned: Infinity };
  let findings = 0;
  let learnedFindings = 0;
  for (let r = 0; r < rounds; r++) {
    best.json = Math.min(best.json, timeIt(jsonParse).ms);
    best.parse = Math.min(best.parse, timeIt(parseOnly).ms);
    const c = timeIt(parseAndCheck);
    best.check = Math.min(best.check, c.ms);
    findings = c.n;
    const l = timeIt(parseAndCheckLearned);
    best.learned = Math.min(best.learned, l.ms);
    learnedFindings = l.n;
  }
  const rate = (ms: number) => bytes / 1024 / 1024 / (ms / 1000);
  console.log(`\ncheck in memory: ${(bytes / 1024 / 1024).toFixed(1)} MB, ${lines.length} lines, ${ruleset.detectors.length} detectors, ${findings} findings; lines already split, best of ${rounds} interleaved rounds`);
  console.log(`  JSON.parse per line        ${rate(best.json).toFixed(0)} MB/s`);
  console.log(`  transcript parser alone    ${rate(best.parse).toFixed(0)} MB/s`);
  console.log(`  parse + check              ${rate(best.check).toFixed(0)} MB/s`);
  console.log(
    `  ratio (parse + check / JSON.parse): ${(best.json / best.check).toFixed(2)} ` +
      '(one thread, metadata read too, lines already in memory: where the time goes, not the target, which is the command end to end above)',
  );
  const learnedRatio = best.learned / best.check;
  console.log(`  parse + check, learned on   ${rate(best.learned).toFixed(0)} MB/s (${learnedRules} learned detectors, ${learnedFindings} findings)`);
  console.log(`  ratio (learned on / phrase detectors alone): ${learnedRatio.toFixed(2)} (target at most 1.5): ${verdict(learnedRatio <= 1.5)}`);

  // The peer: alex reads prose, so both it and the detectors get the same sample of turn texts.
  const sample: Conversation[] = [];
  const texts: string[] = [];
  let sampleChars = 0;
  for (let i = 0; i < lines.length && sampleChars < alexSampleBytes; i++) {
    for (const c of parseJsonlLine(lines[i], i, 0).conversations) {
      for (const t of c.turns) {
        if (t.role !== 'assistant' || sampleChars >= alexSampleBytes) continue;
        const s = turnText(t);
        texts.push(s);
        sampleChars += s.length;
        const span = { start: 0, end: s.length };
        sample.push({
          index: texts.length - 1,
          span,
          format: c.format,
          turns: [{ index: 0, role: 'assistant', roleLabel: 'assistant', span, blocks: [{ type: 'text', text: verbatimText(s, 0), span }], notes: [] }],
        });
      }
    }
  }
  const { text: alex } = (await import('alex')) as { text: (value: string) => { messages: unknown[] } };
  const alexRun = timeIt(() => texts.reduce((n, s) => n + alex(s).messages.length, 0));
  let detectorsMs = Infinity;
  let learnedMs = Infinity;
  let detectorFindings = 0;
  let withLearnedFindings = 0;
  for (let r = 0; r < rounds; r++) {
    const d = timeIt(() => sample.reduce((n, c) => n + checkConversation(c, ruleset).length, 0));
    detectorsMs = Math.min(detectorsMs, d.ms);
    detectorFindings = d.n;
    const l = timeIt(() => sample.reduce((n, c) => n + checkConversation(c, withLearned).length, 0));
    learnedMs = Math.min(learnedMs, l.ms);
    withLearnedFindings = l.n;
  }
  const sampleRate = (ms: number) => mb(sampleChars) / (ms / 1000);
  console.log(`  peer, on ${mb(sampleChars).toFixed(1)} M characters of assistant turn text (${texts.length} turns):`);
  console.log(`    detectors alone          ${sampleRate(detectorsMs).toFixed(1)} MB/s, ${detectorFindings} findings`);
  console.log(`    alex                     ${sampleRate(alexRun.ms).toFixed(2)} MB/s, ${alexRun.n} messages`);
  console.log(`    ratio (detectors / alex): ${(alexRun.ms / detectorsMs).toFixed(0)}x`);
  console.log(
    `    detectors with the learned ones ${sampleRate(learnedMs).toFixed(1)} MB/s, ${withLearnedFindings} findings; ` +
      `ratio to the phrase detectors alone ${(learnedMs / detectorsMs).toFixed(2)} (detectors only, turns already parsed)`,
  );
}

if (process.argv[1] && /[\\/]bench[\\/]check\.ts$/.test(process.argv[1])) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
