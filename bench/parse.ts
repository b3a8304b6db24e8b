/**
 * Parse throughput: a JSONL of at least 100 MB built by repeating the dev corpus, read with plain
 * `JSON.parse` per line and with the transcript parser (every turn, block, note and citation with
 * its exact range), in the same run: streamed line by line (reading included, memory watched), and
 * over lines already in memory (parsing alone). The target is a third of `JSON.parse`'s rate, with
 * memory that does not grow with the file.
 */
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusJsonl } from './dataset.ts';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { parseJsonlLine as sourceParseJsonlLine } from '../server/src/core/transcript/jsonl.ts';

const targetBytes = 100 * 1024 * 1024;
const dataDir = join(process.cwd(), 'bench', 'data');
const dataFile = join(dataDir, 'corpus-100mb.jsonl');

async function buildData(): Promise<boolean> {
  return (await corpusJsonl('corpus-100mb.jsonl', targetBytes, 'parse')) !== undefined;
}

interface Pass {
  readonly ms: number;
  readonly lines: number;
  readonly turns: number;
  readonly peakRss: number;
  readonly heapGrowth: number;
}

async function pass(perLine: (line: string, index: number, base: number) => number): Promise<Pass> {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = heapBefore;
  const started = performance.now();
  const lines = createInterface({ input: createReadStream(dataFile, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let index = 0;
  let base = 0;
  let turns = 0;
  for await (const line of lines) {
    if (line.length > 0) turns += perLine(line, index++, base);
    base += line.length + 1;
    if ((index & 4095) === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  const ms = performance.now() - started;
  return { ms, lines: index, turns, peakRss, heapGrowth: peakHeap - heapBefore };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * The same work over lines already in memory: parsing alone, without reading or splitting. Both the
 * wall time and the process's CPU time are measured; on a busy machine the CPU time says more.
 */
function inMemory(lines: readonly string[], perLine: (line: string, index: number, base: number) => number): { ms: number; cpuMs: number } {
  globalThis.gc?.();
  const started = performance.now();
  const cpu = process.cpuUsage();
  let base = 0;
  let turns = 0;
  for (let i = 0; i < lines.length; i++) {
    turns += perLine(lines[i], i, base);
    base += lines[i].length + 1;
  }
  if (turns < 0) throw new Error('unreachable');
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

type ParseLine = typeof sourceParseJsonlLine;

/**
 * The parser as the command line tool and the server run it: bundled by esbuild with the options of
 * `esbuild.mjs`. `BENCH_SOURCE=1` measures the sources as tsx loads them instead, where every use
 * of an imported name goes through a getter of tsx's CommonJS transform, which the bundles do not
 * have.
 */
async function loadParser(): Promise<{ parse: ParseLine; how: string }> {
  if (process.env.BENCH_SOURCE === '1') return { parse: sourceParseJsonlLine, how: 'the sources as tsx loads them' };
  mkdirSync(dataDir, { recursive: true });
  const outfile = join(dataDir, 'parser.cjs');
  await esbuild.build({
    entryPoints: [join(process.cwd(), 'server', 'src', 'core', 'transcript', 'jsonl.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'warning',
  });
  const bundle = createRequire(outfile)(outfile) as { parseJsonlLine: ParseLine };
  return { parse: bundle.parseJsonlLine, how: 'bundled by esbuild as dist/ ships it' };
}

const jsonParse = (line: string) => (JSON.parse(line) as { messages?: unknown[] }).messages?.length ?? 0;

/** Rounds of each measurement, interleaved; the best of each is reported, so a busy machine matters less. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

export async function run(): Promise<void> {
  if (!(await buildData())) return;
  const bytes = statSync(dataFile).size;
  const { parse, how } = await loadParser();
  const transcriptParse = (line: string, index: number, base: number) => {
    let n = 0;
    for (const c of parse(line, index, base).conversations) n += c.turns.length;
    return n;
  };
  await pass(() => 0);
  const best = { io: Infinity, json: Infinity, ours: Infinity, jsonMem: Infinity, oursMem: Infinity, jsonCpu: Infinity, oursCpu: Infinity };
  let json: Pass | undefined;
  let ours: Pass | undefined;
  for (let r = 0; r < rounds; r++) {
    best.io = Math.min(best.io, (await pass(() => 0)).ms);
    const j = await pass(jsonParse);
    const o = await pass(transcriptParse);
    if (j.ms < best.json) [best.json, json] = [j.ms, j];
    if (o.ms < best.ours) [best.ours, ours] = [o.ms, o];
  }
  const lines = readFileSync(dataFile, 'utf8').split('\n').filter((l) => l.length > 0);
  for (let r = 0; r < rounds; r++) {
    const j = inMemory(lines, jsonParse);
    const o = inMemory(lines, transcriptParse);
    best.jsonMem = Math.min(best.jsonMem, j.ms);
    best.oursMem = Math.min(best.oursMem, o.ms);
    best.jsonCpu = Math.min(best.jsonCpu, j.cpuMs);
    best.oursCpu = Math.min(best.oursCpu, o.cpuMs);
  }
  const rate = (ms: number) => bytes / 1024 / 1024 / (ms / 1000);
  console.log(`parse: ${mb(bytes)} MB, ${ours!.lines} lines, ${ours!.turns} turns; best of ${rounds} interleaved rounds; the parser ${how}`);
  console.log(`  readline alone          ${rate(best.io).toFixed(0)} MB/s`);
  for (const [name, p, mem, cpu] of [['JSON.parse per line', json!, best.jsonMem, best.jsonCpu], ['transcript parser', ours!, best.oursMem, best.oursCpu]] as const) {
    console.log(
      `  ${name.padEnd(24)}${rate(p.ms).toFixed(0)} MB/s streamed with reading; in memory (parsing alone) ${rate(mem).toFixed(0)} MB/s by the clock, ${rate(cpu).toFixed(0)} MB/s by CPU time; streamed: peak RSS ${mb(p.peakRss)} MB, heap growth ${mb(p.heapGrowth)} MB`,
    );
  }
  console.log(
    `  ratio (parser / JSON.parse): ${(best.json / best.ours).toFixed(2)} streamed with reading; in memory ${(best.jsonMem / best.oursMem).toFixed(2)} by the clock, ${(best.jsonCpu / best.oursCpu).toFixed(2)} by CPU time (target 0.33)`,
  );
}

if (process.argv[1] && /[\\/]bench[\\/]parse\.ts$/.test(process.argv[1])) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
