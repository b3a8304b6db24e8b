/**
 * ShareGPT (`conversations[{from, value}]`, with an optional `system` string before them) and
 * LMSYS-Chat (`conversation[{role, content}]`). A record is named by its `id`, or by LMSYS's
 * `conversation_id`, which is how that dataset's records are cited.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { prop } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';

function list(node: Node): Node | undefined {
  return prop(node, 'conversations') ?? prop(node, 'conversation');
}

export function isShareGpt(node: Node): boolean {
  return list(node)?.type === 'array';
}

export function readShareGpt(reader: JsonReader, node: Node, index: number): Conversation[] {
  const turns: Turn[] = [];
  const system = prop(node, 'system');
  if (system?.type === 'string' && (system.value as string).trim() !== '') turns.push(reader.propertyTurn('system', system, 0));
  turns.push(...reader.messages(list(node)!.children ?? [], turns.length).turns);
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.sharegpt, turns };
  reader.setId(conversation, node);
  if (conversation.id === undefined) reader.setId(conversation, node, 'conversation_id');
  return [conversation];
}
