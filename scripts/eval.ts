/**
 * Measures the starter constitution's detectors against labelled transcripts:
 * `npm run eval -- ../shared/corpus/dev [--constitution FILE] [--verbose]`.
 *
 * For each JSONL file, per file and never pooled (each set's "violation" means something else):
 * - labelled records (`{messages, target_turn, label}`): whether some finding falls on the target turn,
 *   against the label (`violation` positive, `ok` negative, `ambiguous` left out and counted);
 * - XSTest records also against the human refusal labels in `meta.final_label` (full or partial
 *   refusal positive, full compliance negative), by the refusal detector alone, with and without its
 *   guard that spares refusals of harmful requests;
 * - preference pairs (`{chosen, rejected}`): the share of pairs in which `rejected` gets more findings
 *   than `chosen`, and the reverse.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseConstitution } from '../server/src/core/constitution/parse.ts';
import { checkConversation, compileRuleset, type Finding, type Ruleset } from '../server/src/core/detectors/index.ts';
import { parseTranscript } from '../server/src/core/transcript/parse.ts';
import type { Conversation } from '../server/src/core/transcript/model.ts';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
let constitutionPath = resolve('constitutions', 'starter.constitution.md');
const paths: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--constitution') constitutionPath = resolve(args[++i]);
  else if (args[i] !== '--verbose') paths.push(args[i]);
}
if (paths.length === 0) {
  console.error('usage: npm run eval -- <folder or .jsonl>... [--constitution FILE] [--verbose]');
  process.exit(2);
}

const constitutionText = readFileSync(constitutionPath, 'utf8');
const ruleset = rulesetOf(constitutionText);
// The refusal detector spares refusals of requests that name serious harm; refusal detection as
// such is measured without that guard.
const unguarded = rulesetOf(constitutionText.replace(/^\s*unless-user:.*$/gm, ''));
const refusalRule = 'needless-refusal';

function rulesetOf(text: string): Ruleset {
  const c = parseConstitution(text, basename(constitutionPath));
  const rs = compileRuleset([{ uri: constitutionPath, constitution: c }]);
  for (const { problem } of rs.problems) console.error(`${constitutionPath}: ${problem.code}: ${problem.message}`);
  return rs;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function counts(): Counts {
  return { tp: 0, fp: 0, fn: 0, tn: 0 };
}

function add(c: Counts, positive: boolean, predicted: boolean): void {
  if (positive) predicted ? c.tp++ : c.fn++;
  else predicted ? c.fp++ : c.tn++;
}

function pct(n: number, d: number): string {
  return d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
}

function line(name: string, c: Counts): string {
  const p = pct(c.tp, c.tp + c.fp);
  const r = pct(c.tp, c.tp + c.fn);
  return `  ${name.padEnd(34)} precision ${p}  recall ${r}  TP ${c.tp} FP ${c.fp} FN ${c.fn} TN ${c.tn}`;
}

function targetFindings(c: Conversation, rs: Ruleset): Finding[] {
  return checkConversation(c, rs).filter((f) => f.turn === c.targetTurn && !f.reviewed);
}

function files(p: string): string[] {
  const abs = resolve(p);
  if (statSync(abs).isDirectory()) {
    return readdirSync(abs)
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .map((n) => join(abs, n));
  }
  return [abs];
}

for (const file of paths.flatMap(files)) {
  const transcript = parseTranscript(readFileSync(file, 'utf8'), basename(file));
  const labelled = transcript.conversations.filter((c) => c.label !== undefined && c.targetTurn !== undefined);
  const sided = transcript.conversations.filter((c) => c.side !== undefined);
  console.log(`${basename(file)}`);
  if (transcript.problems.length) console.log(`  (${transcript.problems.length} parse problems)`);

  if (labelled.length) {
    const all = counts();
    let ambiguous = 0;
    const byRule = new Map<string, { tp: number; fp: number }>();
    const refusal = counts();
    const refusalAny = counts();
    const refusalGuarded = counts();
    for (const c of labelled) {
      const found = targetFindings(c, ruleset);
      const finalLabel = (c.meta as { final_label?: unknown } | undefined)?.final_label;
      if (typeof finalLabel === 'string') {
        const refused = finalLabel !== '1_full_compliance';
        add(refusal, refused, targetFindings(c, unguarded).some((f) => f.rule === refusalRule));
        add(refusalGuarded, refused, found.some((f) => f.rule === refusalRule));
        add(refusalAny, refused, found.length > 0);
      }
      if (c.label === 'ambiguous') {
        ambiguous++;
        continue;
      }
      const positive = c.label === 'violation';
      add(all, positive, found.length > 0);
      for (const rule of new Set(found.map((f) => f.rule))) {
        const r = byRule.get(rule) ?? { tp: 0, fp: 0 };
        positive ? r.tp++ : r.fp++;
        byRule.set(rule, r);
      }
    }
    console.log(line('some finding vs label', all) + `  (ambiguous excluded: ${ambiguous})`);
    if (verbose) {
      for (const [rule, r] of [...byRule].sort((a, b) => b[1].tp + b[1].fp - a[1].tp - a[1].fp)) {
        console.log(`    ${rule.padEnd(28)} on violations ${r.tp}, on ok turns ${r.fp}`);
      }
    }
    if (refusal.tp + refusal.fp + refusal.fn + refusal.tn > 0) {
      console.log(line('refusal detector vs human refusal', refusal));
      console.log(line('  the same, with its harm guard', refusalGuarded));
      console.log(line('some finding vs human refusal', refusalAny));
    }
  }

  if (sided.length) {
    const pairs = new Map<number, { chosen?: number; rejected?: number }>();
    for (const c of sided) {
      const n = checkConversation(c, ruleset).filter((f) => !f.reviewed).length;
      const p = pairs.get(c.index) ?? {};
      p[c.side!] = n;
      pairs.set(c.index, p);
    }
    let more = 0;
    let fewer = 0;
    let tie = 0;
    let tieZero = 0;
    for (const p of pairs.values()) {
      const r = p.rejected ?? 0;
      const ch = p.chosen ?? 0;
      if (r > ch) more++;
      else if (r < ch) fewer++;
      else {
        tie++;
        if (r === 0) tieZero++;
      }
    }
    const total = pairs.size;
    console.log(
      `  pairs ${total}: rejected has more findings than chosen in ${pct(more, total)} (${more}), fewer in ${pct(fewer, total)} (${fewer}), tied in ${pct(tie, total)} (${tie}; ${tieZero} with none)`,
    );
  }
}
