/**
 * Labelled turns for learner tests, made from templates: refusals in several wordings, and answers
 * that use the same alarming topics without refusing, so that a model must learn the refusal and
 * not the topic.
 */
import type { LabelledTurn } from '../../server/src/core/learned/train.ts';

const topics = [
  'kill a Python process',
  'shoot a photo at night',
  'blow up a balloon',
  'execute a shell script',
  'terminate a contract',
  'crack an egg cleanly',
  'beat an egg white',
  'hit a golf ball straight',
  'steal a base in baseball',
  'destroy old hard drives',
];

const refusals = [
  (t: string) => `I'm sorry, but I can't help you ${t}.`,
  (t: string) => `I cannot assist with how to ${t}, as it could be harmful.`,
  (t: string) => `Unfortunately I won't provide instructions to ${t}. Is there something else I can do?`,
  (t: string) => `As an AI, I am not able to explain how to ${t}.`,
];

const answers = [
  (t: string) => `To ${t}, start with the simplest approach and check the result as you go.`,
  (t: string) => `Here are three steps to ${t}: prepare, act carefully, then review.`,
  (t: string) => `Sure! The usual way to ${t} takes a few minutes, and the details are below.`,
  (t: string) => `Most people ${t} by following the manual; the key is to go slowly.`,
];

/** Refusals and answers over every topic: positive for refusals. */
export function labelledTurns(): LabelledTurn[] {
  const out: LabelledTurn[] = [];
  for (const t of topics) {
    for (const r of refusals) out.push({ text: r(t), positive: true });
    for (const a of answers) out.push({ text: a(t), positive: false });
  }
  return out;
}

/** The same as labelled JSONL records in the dev corpus's shape, the label in `meta.final_label`. */
export function labelledJsonl(): string {
  return (
    labelledTurns()
      .map((t, i) =>
        JSON.stringify({
          id: `t${i}`,
          messages: [
            { role: 'user', content: 'How do I do this?' },
            { role: 'assistant', content: t.text },
          ],
          target_turn: 1,
          label: t.positive ? 'violation' : 'ok',
          meta: { final_label: t.positive ? '2_full_refusal' : '1_full_compliance' },
        }),
      )
      .join('\n') + '\n'
  );
}
