/**
 * `constitution-lens train`: trains a constitution's learned detectors from their `train` blocks
 * and writes each model file beside the constitution. Reading and hashing the labelled files is
 * done here; the learning itself is the core's (`core/learned/`), seeded, so that the same inputs
 * give the same file byte for byte.
 */
import { promises as fs } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { learnedDetectors, sha256File } from '../modelFiles.ts';
import { declarationHash, examplesAsTurns } from '../core/detectors/learnedRule.ts';
import type { DetectorSpec } from '../core/detectors/detectorSchema.ts';
import { serialiseModel, type ModelData } from '../core/learned/model.ts';
import { defaultTargetPrecision, trainModel, type LabelledTurn, type TrainInput } from '../core/learned/train.ts';
import { decodeText } from '../core/text.ts';
import { readConstitution } from './starterModel.ts';

export interface TrainIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

export const trainUsage = `Usage: constitution-lens train CONSTITUTION [--rule ID]

Trains every learned detector of the constitution (or only detector ID) from its \`train\` block:
labelled JSONL records (paths from the constitution's folder) and the rule's own examples. Writes
each model file beside the constitution and prints its cross-validated precision, recall and F1
with their counts. Training is seeded: the same inputs give the same file.`;

/** Runs the command; the exit code is 0 when every rule was trained, 2 on a usage or input error. */
export async function runTrain(argv: readonly string[], io: TrainIo): Promise<number> {
  let constitutionArg: string | undefined;
  let rule: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      io.stdout.write(`${trainUsage}\n`);
      return 0;
    }
    if (a === '--rule') {
      rule = argv[++i];
      if (!rule) return usageError(io, '--rule needs a detector id.');
    } else if (a.startsWith('-')) return usageError(io, `unknown option ${a}.`);
    else if (constitutionArg) return usageError(io, 'give one constitution.');
    else constitutionArg = a;
  }
  if (!constitutionArg) return usageError(io, 'give the constitution to train.');
  const path = resolve(io.cwd, constitutionArg);
  let text: string;
  try {
    text = decodeText(await fs.readFile(path), path);
  } catch (error) {
    io.stderr.write(`error: cannot read the constitution ${constitutionArg}: ${(error as Error).message}\n`);
    return 2;
  }
  const all = learnedDetectors(readConstitution(text, path.split(/[\\/]/).pop()!));
  const specs = rule ? all.filter((d) => d.id === rule) : all;
  if (specs.length === 0) {
    io.stderr.write(`error: ${rule ? `no learned detector "${rule}" in ${constitutionArg}` : `${constitutionArg} has no learned detector (kind: learned)`}.\n`);
    return 2;
  }
  let failed = false;
  for (const spec of specs) {
    try {
      await trainRule(spec, dirname(path), io);
    } catch (error) {
      failed = true;
      io.stderr.write(`error: cannot train "${spec.id}": ${(error as Error).message}\n`);
    }
  }
  return failed ? 2 : 0;
}

function usageError(io: TrainIo, message: string): number {
  io.stderr.write(`error: ${message}\n\n${trainUsage}\n`);
  return 2;
}

/** What a rule is trained from: its labelled files read and hashed, and its examples. */
export async function trainingInput(spec: DetectorSpec, folder: string): Promise<{ input: TrainInput; notes: string[] }> {
  const train = spec.train;
  const turns: LabelledTurn[] = [];
  const data: ModelData[] = [];
  const notes: string[] = [];
  for (const from of train?.from ?? []) {
    const file = resolve(folder, from.text);
    const read = readLabelled(decodeText(await fs.readFile(file), file), train!.label, train!.positive);
    turns.push(...read.turns);
    data.push({ path: from.text, sha256: sha256File(file), records: read.records, used: read.turns.length });
    if (read.skipped) notes.push(`${from.text}: ${read.skipped} of ${read.records} records have no labelled assistant turn and were left out`);
    if (read.broken) notes.push(`${from.text}: ${read.broken} lines are not JSON and were left out`);
  }
  const input: TrainInput = {
    rule: spec.id,
    turns,
    examples: examplesAsTurns(spec),
    data,
    context: train?.context === 'user',
    spec: declarationHash(spec),
    licence: train?.licence ?? 'not stated',
    targetPrecision: train?.precision ?? defaultTargetPrecision,
  };
  return { input, notes };
}

async function trainRule(spec: DetectorSpec, folder: string, io: TrainIo): Promise<void> {
  const { input, notes } = await trainingInput(spec, folder);
  const target = input.targetPrecision!;
  const { model, crossValidated: cv } = trainModel(input);
  const out = resolve(folder, spec.model!.text);
  const bytes = serialiseModel(model);
  await fs.writeFile(out, bytes);
  const t = model.training;
  const f = (x: number) => x.toFixed(3);
  io.stdout.write(
    [
      `${spec.id}: ${t.samples} labelled turns (${t.positives} positive, ${t.negatives} negative); the rule's examples (${t.examples}) train every fold`,
      ...notes.map((n) => `  note: ${n}`),
      `  cross-validated (${t.folds} folds, seed ${t.seed}): precision ${f(cv.precision)}  recall ${f(cv.recall)}  F1 ${f(cv.f1)}  (TP ${cv.tp} FP ${cv.fp} FN ${cv.fn} TN ${cv.tn})`,
      `  threshold ${model.threshold.toFixed(3)}, chosen on the out-of-fold scores for precision ${target}`,
      `  wrote ${relative(process.cwd(), out) || out}: ${model.weights.length} weights, ${(Buffer.byteLength(bytes) / 1024).toFixed(0)} KiB`,
      '',
    ].join('\n'),
  );
}

/** Labelled records of a JSONL file, read as turns: the target assistant turn, the user turn before it, the label. */
export function readLabelled(text: string, labelPath: string, positive: readonly string[]): { turns: LabelledTurn[]; records: number; skipped: number; broken: number } {
  const turns: LabelledTurn[] = [];
  let records = 0;
  let skipped = 0;
  let broken = 0;
  const path = labelPath.split('.');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    records++;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      broken++;
      continue;
    }
    const turn = labelledTurn(record, path, positive);
    if (turn) turns.push(turn);
    else skipped++;
  }
  return { turns, records, skipped, broken };
}

function labelledTurn(record: unknown, path: readonly string[], positive: readonly string[]): LabelledTurn | undefined {
  let label: unknown = record;
  for (const key of path) label = typeof label === 'object' && label !== null ? (label as Record<string, unknown>)[key] : undefined;
  if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') return undefined;
  const messages = (record as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return undefined;
  const given = (record as { target_turn?: unknown }).target_turn;
  let at = typeof given === 'number' ? given : -1;
  if (at < 0) for (let i = messages.length - 1; i >= 0 && at < 0; i--) if (roleOf(messages[i]) === 'assistant') at = i;
  if (at < 0 || at >= messages.length) return undefined;
  const text = contentText(messages[at]);
  if (text === undefined) return undefined;
  let user: string | undefined;
  for (let i = at - 1; i >= 0 && user === undefined; i--) if (roleOf(messages[i]) === 'user') user = contentText(messages[i]);
  return { text, user, positive: positive.includes(String(label)) };
}

function roleOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { role?: unknown }).role : undefined;
}

/** A message's text: a string content, or its text blocks joined. */
function contentText(message: unknown): string | undefined {
  const content = typeof message === 'object' && message !== null ? (message as { content?: unknown }).content : undefined;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((b) => (typeof b === 'object' && b !== null && typeof (b as { text?: unknown }).text === 'string' ? [(b as { text: string }).text] : []));
  return texts.length ? texts.join('\n\n') : undefined;
}
