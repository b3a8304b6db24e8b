/**
 * Chat messages: Anthropic Messages (`system` plus `messages`), OpenAI chat (`messages` with
 * system/developer/user/assistant/tool roles and `tool_calls`), and the labelled records of a
 * dataset (`messages` with `target_turn` or `label`).
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { prop } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';

export function isChat(node: Node): boolean {
  return prop(node, 'messages')?.type === 'array';
}

export function readChat(reader: JsonReader, node: Node, index: number): Conversation[] {
  const messages = prop(node, 'messages')!;
  const turns: Turn[] = [];
  let anthropic = false;
  const system = prop(node, 'system');
  if (system) {
    anthropic = true;
    turns.push(reader.propertyTurn('system', system, 0));
  }
  const read = reader.messages(messages.children ?? [], turns.length);
  turns.push(...read.turns);
  anthropic ||= read.anthropic;
  const labelled = prop(node, 'target_turn') !== undefined || prop(node, 'label') !== undefined;
  const format = labelled ? TranscriptFormat.labelled : reader.guessFormat(messages, anthropic);
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format, turns };
  reader.setId(conversation, node);
  if (labelled) setLabels(reader, conversation, node);
  return [conversation];
}

function setLabels(reader: JsonReader, conversation: Mutable<Conversation>, node: Node): void {
  const target = prop(node, 'target_turn');
  if (target?.type === 'number') conversation.targetTurn = target.value as number;
  const label = prop(node, 'label');
  if (label?.type === 'string') conversation.label = label.value as string;
  const hint = prop(node, 'principle_hint');
  if (hint?.type === 'string') conversation.principleHint = hint.value as string;
  if (reader.withoutMeta) return;
  const meta = prop(node, 'meta');
  if (meta?.type === 'object') conversation.meta = reader.plain(meta) as Record<string, unknown>;
}
