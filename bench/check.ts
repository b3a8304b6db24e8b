/**
 * Check throughput: parsing plus every detector of the starter constitution over a JSONL of at
 * least 100 MB built by repeating the dev corpus, beside plain `JSON.parse` per line in the same run
 * (target: at least a third of its rate), and beside the prose linter `alex` as a peer on a sample of
 * the same turn texts.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusJsonl } from './dataset.ts';
import { parseConstitution } from '../server/src/core/constitution/parse.ts';
import { checkConversation, compileRuleset, type Ruleset } from '../server/src/core/detectors/index.ts';
import { parseJsonlLine } from '../server/src/core/transcript/jsonl.ts';
import { turnText, type Conversation } from '../server/src/core/transcript/model.ts';
import { verbatimText } from '../server/src/core/text.ts';

const targetBytes = 100 * 1024 * 1024;
const dataDir = join(process.cwd(), 'bench', 'data');
const dataFile = join(dataDir, 'corpus-100mb.jsonl');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const alexSampleBytes = 2 * 1024 * 1024;

/** The same data file as the parse benchmark, built here when that one has not run. */
async function buildData(): Promise<boolean> {
  return (await corpusJsonl('corpus-100mb.jsonl', targetBytes, 'check')) !== undefined;
}

function starter(): Ruleset {
  const path = join(process.cwd(), 'constitutions', 'starter.constitution.md');
  return compileRuleset([{ uri: path, constitution: parseConstitution(readFileSync(path, 'utf8'), 'starter.constitution.md') }]);
}

function timeIt(fn: () => number): { ms: number; n: number } {
  globalThis.gc?.();
  const t0 = performance.now();
  const n = fn();
  return { ms: performance.now() - t0, n };
}

const mb = (chars: number) => chars / 1024 / 1024;

export async function run(): Promise<void> {
  if (!(await buildData())) return;
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
  const parseAndCheck = () => {
    let n = 0;
    let base = 0;
    for (let i = 0; i < lines.length; i++) {
      for (const c of parseJsonlLine(lines[i], i, base).conversations) n += checkConversation(c, ruleset).length;
      base += lines[i].length + 1;
    }
    return n;
  };

  const best = { json: Infinity, parse: Infinity, check: Infinity };
  let findings = 0;
  for (let r = 0; r < rounds; r++) {
    best.json = Math.min(best.json, timeIt(jsonParse).ms);
    best.parse = Math.min(best.parse, timeIt(parseOnly).ms);
    const c = timeIt(parseAndCheck);
    best.check = Math.min(best.check, c.ms);
    findings = c.n;
  }
  const rate = (ms: number) => bytes / 1024 / 1024 / (ms / 1000);
  console.log(`check: ${(bytes / 1024 / 1024).toFixed(1)} MB, ${lines.length} lines, ${ruleset.detectors.length} detectors, ${findings} findings; in memory, best of ${rounds} interleaved rounds`);
  console.log(`  JSON.parse per line        ${rate(best.json).toFixed(0)} MB/s`);
  console.log(`  transcript parser alone    ${rate(best.parse).toFixed(0)} MB/s`);
  console.log(`  parse + check              ${rate(best.check).toFixed(0)} MB/s`);
  console.log(`  ratio (parse + check / JSON.parse): ${(best.json / best.check).toFixed(2)} (target 0.33)`);

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
  let detectorFindings = 0;
  for (let r = 0; r < rounds; r++) {
    const d = timeIt(() => sample.reduce((n, c) => n + checkConversation(c, ruleset).length, 0));
    detectorsMs = Math.min(detectorsMs, d.ms);
    detectorFindings = d.n;
  }
  const sampleRate = (ms: number) => mb(sampleChars) / (ms / 1000);
  console.log(`  peer, on ${mb(sampleChars).toFixed(1)} M characters of assistant turn text (${texts.length} turns):`);
  console.log(`    detectors alone          ${sampleRate(detectorsMs).toFixed(1)} MB/s, ${detectorFindings} findings`);
  console.log(`    alex                     ${sampleRate(alexRun.ms).toFixed(2)} MB/s, ${alexRun.n} messages`);
  console.log(`    ratio (detectors / alex): ${(alexRun.ms / detectorsMs).toFixed(0)}x`);
}

if (process.argv[1] && /[\\/]bench[\\/]check\.ts$/.test(process.argv[1])) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
