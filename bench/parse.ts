/**
 * Parse throughput: a JSONL of at least 100 MB built by repeating the dev corpus, streamed line by
 * line, read once with plain `JSON.parse` and once with the transcript parser (every turn, block,
 * note and citation with its exact range), in the same run. The target is a third of `JSON.parse`'s
 * rate, with memory that does not grow with the file.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseJsonlLine } from '../server/src/core/transcript/jsonl.ts';

const targetBytes = 100 * 1024 * 1024;
const dataDir = join(process.cwd(), 'bench', 'data');
const dataFile = join(dataDir, 'corpus-100mb.jsonl');
const corpusDev = resolve(process.env.CONSTITUTION_LENS_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus'), 'dev');

async function buildData(): Promise<boolean> {
  if (existsSync(dataFile) && statSync(dataFile).size >= targetBytes) return true;
  if (!existsSync(corpusDev)) {
    console.log(`parse: skipped, the corpus is absent (${corpusDev})`);
    return false;
  }
  mkdirSync(dataDir, { recursive: true });
  const chunk = readdirSync(corpusDev)
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => readFileSync(join(corpusDev, n), 'utf8').replace(/\n*$/, '\n'))
    .join('');
  const out = createWriteStream(dataFile);
  let written = 0;
  while (written < targetBytes) {
    if (!out.write(chunk)) await once(out, 'drain');
    written += Buffer.byteLength(chunk);
  }
  out.end();
  await once(out, 'finish');
  return true;
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

export async function run(): Promise<void> {
  if (!(await buildData())) return;
  const bytes = statSync(dataFile).size;
  await pass(() => 0);
  const io = await pass(() => 0);
  const json = await pass((line) => {
    const v = JSON.parse(line) as { messages?: unknown[] };
    return v.messages?.length ?? 0;
  });
  const ours = await pass((line, index, base) => {
    let n = 0;
    for (const c of parseJsonlLine(line, index, base).conversations) n += c.turns.length;
    return n;
  });
  const rate = (p: Pass) => bytes / 1024 / 1024 / (p.ms / 1000);
  const parseOnly = (p: Pass) => bytes / 1024 / 1024 / (Math.max(1, p.ms - io.ms) / 1000);
  console.log(`parse: ${mb(bytes)} MB, ${ours.lines} lines, ${ours.turns} turns, streamed with readline`);
  console.log(`  readline alone      ${rate(io).toFixed(0)} MB/s`);
  for (const [name, p] of [['JSON.parse per line', json], ['transcript parser', ours]] as const) {
    console.log(
      `  ${name.padEnd(20)}${rate(p).toFixed(0)} MB/s with reading (${parseOnly(p).toFixed(0)} MB/s parsing alone), peak RSS ${mb(p.peakRss)} MB, heap growth ${mb(p.heapGrowth)} MB`,
    );
  }
  console.log(`  ratio (parser / JSON.parse): ${(rate(ours) / rate(json)).toFixed(2)} with reading, ${(parseOnly(ours) / parseOnly(json)).toFixed(2)} parsing alone (target 0.33)`);
}

if (process.argv[1] && /[\\/]bench[\\/]parse\.ts$/.test(process.argv[1])) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
