/**
 * How a person reads the place of a turn or a conversation, wherever it is shown: the critique panel,
 * the editor's prompts and outline, and the command line. Turns and conversations count from 0, as
 * `--turn`, `--conversation` and the JSON report count them, so that a number read in one place can be
 * typed in another. (Lines and columns count from 1, as the editor shows them.)
 */
import type { Turn } from './model.ts';

/** "turn 2 (Assistant)": the turn's index and its role as the file writes it. */
export function turnName(turn: Pick<Turn, 'index' | 'role' | 'roleLabel'>): string {
  return `turn ${turn.index} (${turn.roleLabel || turn.role})`;
}

/** "conversation 3": for JSONL, the index among the file's non-empty lines. */
export function conversationName(conversation: { readonly index: number }): string {
  return `conversation ${conversation.index}`;
}

/** The name with a capital first letter, to start a heading or a sentence. */
export function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
