/**
 * Which turn the cursor or a selection is in, and the turn a selection stands for when only part of
 * a turn is selected.
 */
import { mappedSlice, type Conversation, type Transcript, type Turn } from '@lens/core';

export interface TurnAt {
  readonly conversation: Conversation;
  readonly turn: Turn;
}

/**
 * The turn at `offset`: the one whose span holds it, else (between turns, on a blank line) the last
 * turn of that conversation that starts before it.
 */
export function turnAt(transcript: Transcript, offset: number): TurnAt | undefined {
  let best: TurnAt | undefined;
  for (const conversation of transcript.conversations) {
    if (offset < conversation.span.start || offset > conversation.span.end) continue;
    for (const turn of conversation.turns) {
      if (offset >= turn.span.start && offset <= turn.span.end) return { conversation, turn };
      if (turn.span.start <= offset) best = { conversation, turn };
    }
  }
  return best;
}

/** The first system or developer turn at or before `offset`'s conversation: the prompt of a prompt file. */
export function promptTurn(transcript: Transcript, offset: number): TurnAt | undefined {
  const at = turnAt(transcript, offset);
  if (at && (at.turn.role === 'system' || at.turn.role === 'developer')) return at;
  const conversations = at ? [at.conversation, ...transcript.conversations] : transcript.conversations;
  for (const conversation of conversations) {
    const turn = conversation.turns.find((t) => t.role === 'system' || t.role === 'developer');
    if (turn) return { conversation, turn };
  }
  return undefined;
}

/**
 * The turn cut down to the part of its text blocks inside `[start, end)` of the source, or undefined
 * when the selection holds none of its text. The cut blocks still map to the source, so findings and
 * a revision land on exactly the selected words.
 */
export function selectedTurn(turn: Turn, start: number, end: number): Turn | undefined {
  const blocks = [];
  for (const block of turn.blocks) {
    if (block.type !== 'text') continue;
    const t = block.text;
    let from = -1;
    let to = -1;
    for (let i = 0; i < t.text.length; i++) {
      const s = t.toSource(i);
      if (s >= start && s < end) {
        if (from < 0) from = i;
        to = i + 1;
      }
    }
    if (from < 0) continue;
    const text = mappedSlice(t, from, to);
    blocks.push({ ...block, text, span: { start: text.toSource(0), end: text.toSource(text.text.length) } });
  }
  if (blocks.length === 0) return undefined;
  return { ...turn, blocks, span: { start: blocks[0].span.start, end: blocks[blocks.length - 1].span.end } };
}
