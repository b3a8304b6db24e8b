/**
 * The part of a finding's hover that a learned detector adds: how sure the model is (its score
 * beside the threshold), how good it was when cross-validated, and the words that weighed most
 * toward the flag in this turn.
 */
import type { LearnedEvidence } from '../detectors/types.ts';

/** Markdown for a learned finding's evidence. */
export function learnedSection(e: LearnedEvidence): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const lines = [
    `Learned model: score **${e.score.toFixed(2)}** (flags at ${e.threshold.toFixed(2)} and above).`,
    `Cross-validated on ${e.samples} labelled turns: precision ${pct(e.precision)}, recall ${pct(e.recall)}, F1 ${e.f1.toFixed(2)}.`,
  ];
  if (e.top.length > 0) {
    lines.push(`Weighed most: ${e.top.map((t) => `\`${t.text.replace(/`/g, "'")}\` (+${t.weight.toFixed(2)})`).join(', ')}.`);
  }
  return lines.join('\n\n');
}
