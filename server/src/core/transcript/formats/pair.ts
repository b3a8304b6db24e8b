/**
 * Preference pairs: hh-rlhf (`{chosen, rejected}`, each a text transcript), and records whose sides
 * are a message or a list of messages after a shared context (`context`, `messages` or `prompt`).
 * Both sides are read, as two conversations with the same index.
 */
import type { Node } from 'jsonc-parser';
import { reindex, type JsonReader, type Mutable } from '../jsonFormat.ts';
import { prop } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';
import { parseTextTurns } from '../textFormat.ts';

export function isPair(node: Node): boolean {
  return prop(node, 'chosen') !== undefined && prop(node, 'rejected') !== undefined;
}

/**
 * A side is a text transcript in a string (hh-rlhf), a message whose content is a whole text
 * transcript (it then repeats the context, so the context is not added again), a message, or an
 * array of messages; the pair's context comes before it and `<side>_rest` after. The context is
 * `context`, `messages` or `conversations` (message lists, the last in ShareGPT's `{from, value}`),
 * or `prompt` (a list, or a string read as a user turn).
 */
export function readPair(reader: JsonReader, node: Node, index: number): Conversation[] {
  const out: Conversation[] = [];
  const context = prop(node, 'context') ?? prop(node, 'messages') ?? prop(node, 'prompt') ?? prop(node, 'conversations');
  // Read once: both sides hold the same turns, which are then checked once.
  let contextTurns: Turn[] | undefined;
  for (const side of ['chosen', 'rejected'] as const) {
    const value = prop(node, side)!;
    let turns: Turn[] = [];
    const content = value.type === 'object' ? prop(value, 'content') : undefined;
    const transcript = value.type === 'string' ? value : content?.type === 'string' && isTextTranscript(content.value as string) ? content : undefined;
    if (transcript) {
      const parsed = parseTextTurns(reader.text(transcript));
      reader.problems.push(...parsed.problems);
      turns = parsed.turns;
    } else {
      if (context?.type === 'array') turns.push(...(contextTurns ??= reader.messages(context.children ?? []).turns));
      else if (context?.type === 'string') turns.push(...(contextTurns ??= [reader.propertyTurn('user', context, 0)]));
      const items = value.type === 'object' ? [value] : value.type === 'array' ? (value.children ?? []) : [];
      turns.push(...reader.messages(items, turns.length).turns);
    }
    const rest = prop(node, `${side}_rest`);
    if (rest?.type === 'array') turns.push(...reader.messages(rest.children ?? [], turns.length).turns);
    const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.hhPair, side, turns: reindex(turns) };
    reader.setId(conversation, node);
    out.push(conversation);
  }
  return out;
}

/** A content string that is itself a text transcript in the hh-rlhf manner. */
function isTextTranscript(s: string): boolean {
  return /^\s*Human:/.test(s) && /\n\s*Assistant:/.test(s);
}
