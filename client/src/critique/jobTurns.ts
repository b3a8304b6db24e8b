/** Which turns a many-turn critique covers, and where a dataset's results are written. */
import type { Conversation, Transcript, Turn } from '@lens/core';

/**
 * The turns a job critiques. In a transcript, every assistant turn; in a dataset, each record's
 * target turn when it names one, else its last assistant turn. A custom id names a conversation by
 * its position in the transcript, which tells the two sides of a preference pair apart.
 */
export function jobTurns(transcript: Transcript, dataset: boolean): { position: number; conversation: Conversation; turn: Turn }[] {
  const out: { position: number; conversation: Conversation; turn: Turn }[] = [];
  transcript.conversations.forEach((conversation, position) => {
    const target = conversation.targetTurn !== undefined ? conversation.turns[conversation.targetTurn] : undefined;
    if (target) {
      out.push({ position, conversation, turn: target });
      return;
    }
    const assistants = conversation.turns.filter((t) => t.role === 'assistant' && t.blocks.some((b) => b.type === 'text' && b.text.text.trim() !== ''));
    for (const turn of dataset ? assistants.slice(-1) : assistants) out.push({ position, conversation, turn });
  });
  return out;
}

/** The path a dataset's results are written to: `data.jsonl` gives `data.critique.jsonl`. */
export function resultsPathOf(datasetPath: string): string {
  return datasetPath.replace(/\.(jsonl|ndjson|json)$/i, '') + '.critique.jsonl';
}
