/**
 * `check` on Inspect `.eval` logs of 100 MB and 200 MB (compressed size on disk), built here from
 * samples in Inspect's shape (`messages`, `output`, `scores`, and `events` that repeat the
 * conversation, as real logs do), run as a child process with its output drained. The target is
 * memory that does not follow the file: the archive is read one sample at a time, so the peak
 * resident set of the 200 MB run stays near that of the 100 MB run, and both near the run over a
 * log of a single sample.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZipWriter } from '../test/support/zipWriter.ts';
import { peakProbe, runChild, type ChildRun } from './check.ts';
import { median } from './stats.ts';

const dataDir = join(process.cwd(), 'bench', 'data');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const syllables = 'ka lo mi ne su ta re vo di pa ge fu ho zi be ny qu la so te wi xa ri co me ju'.split(' ');

/** A deterministic generator, so that the same log is built on every machine. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

/** Words of random syllables, which deflate about as much as English prose does. */
function prose(next: () => number, length: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < length) {
    let word = '';
    for (let n = 1 + Math.floor(next() * 3); n > 0; n--) word += syllables[Math.floor(next() * syllables.length)];
    out.push(word);
    size += word.length + 1;
  }
  return out.join(' ');
}

/** One sample as Inspect writes it, of about 100 KB. */
function sample(id: number, next: () => number): Buffer {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: prose(next, 400) }];
  for (let t = 0; t < 8; t++) {
    messages.push({ role: 'user', content: prose(next, 600), source: 'input' });
    const opener = t % 3 === 0 ? 'Great question! ' : '';
    messages.push({ role: 'assistant', content: opener + prose(next, 2000), source: 'generate', model: 'bench-model' });
  }
  const events = messages.map((m, i) => ({ event: 'model', timestamp: `2025-02-11T15:18:${String(i % 60).padStart(2, '0')}`, input: [m], output: { choices: [{ message: m }] } }));
  const record = { id, epoch: 1, input: messages[1].content, target: 'Yes', messages, output: { model: 'bench-model', choices: [{ message: messages.at(-1) }] }, scores: { match: { value: 'C' } }, metadata: {}, events };
  return Buffer.from(JSON.stringify(record));
}

/** Builds an `.eval` of at least `bytes` on disk, unless it is there already. */
function buildLog(name: string, bytes: number): string {
  const path = join(dataDir, name);
  if (existsSync(path) && statSync(path).size >= bytes) return path;
  mkdirSync(dataDir, { recursive: true });
  const writer = new ZipWriter(path);
  writer.add({ name: 'header.json', data: Buffer.from(JSON.stringify({ version: 2, status: 'success', eval: { task: 'bench' } })) });
  const next = random(bytes);
  for (let id = 1; id === 1 || writer.bytes < bytes; id++) writer.add({ name: `samples/${id}_epoch_1.json`, data: sample(id, next) });
  writer.close();
  return path;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function run(): Promise<void> {
  const probe = join(dataDir, 'peak-probe.cjs');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(probe, peakProbe);
  const logs = { one: buildLog('inspect-1-sample.eval', 1), small: buildLog('inspect-100mb.eval', 100e6), large: buildLog('inspect-200mb.eval', 200e6) };
  const cli = join(process.cwd(), 'dist', 'cli.js');
  const starter = join('constitutions', 'starter.constitution.md');
  const runs = new Map<keyof typeof logs, ChildRun[]>();
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(logs) as (keyof typeof logs)[]) {
      const result = await runChild(probe, [cli, 'check', '--format', 'json', '--constitution', starter, logs[name]]);
      runs.set(name, [...(runs.get(name) ?? []), result]);
    }
  }
  console.log(`check on Inspect .eval logs, ${rounds} interleaved rounds (time: best; peak RSS: middle round)`);
  const peak = (name: keyof typeof logs) => median(runs.get(name)!.map((x) => x.peak));
  for (const name of Object.keys(logs) as (keyof typeof logs)[]) {
    const size = statSync(logs[name]).size;
    const ms = Math.min(...runs.get(name)!.map((x) => x.ms));
    console.log(`  ${mib(size).padStart(10)} on disk   ${(ms / 1000).toFixed(2).padStart(6)} s   ${(size / 1024 / 1024 / (ms / 1000)).toFixed(1).padStart(6)} MiB/s   peak RSS ${mib(peak(name)).padStart(10)}   report ${mib(runs.get(name)![0].outBytes)}`);
  }
  const growth = peak('large') - peak('small');
  // Flat: a fifth of the added file at most, which a heap that grew with the file would exceed many times over.
  const flat = growth < 0.2 * (statSync(logs.large).size - statSync(logs.small).size);
  console.log(
    `  peak RSS 200 MB / 100 MB: ${(peak('large') / peak('small')).toFixed(2)} (${growth >= 0 ? '+' : ''}${mib(growth)} for ${mib(statSync(logs.large).size - statSync(logs.small).size)} more file); ` +
      `memory that does not follow the file: ${flat ? 'met' : 'NOT met'}`,
  );
}
