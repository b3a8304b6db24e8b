/**
 * A Claude.ai data export's `conversations.json`: an array of conversations `{uuid, name,
 * chat_messages[]}`, each message `{sender: human|assistant, text, content[]}`. The typed
 * `content` blocks are read where there are any, else `text`.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';

export function isClaudeExport(node: Node): boolean {
  return prop(node, 'chat_messages')?.type === 'array';
}

export function readClaudeExport(reader: JsonReader, node: Node, index: number): Conversation[] {
  const turns: Turn[] = [];
  for (const m of arrayProp(node, 'chat_messages')) {
    if (m.type !== 'object') continue;
    const sender = prop(m, 'sender');
    const label = sender?.type === 'string' ? (sender.value as string) : '';
    const role = reader.role(label, sender ?? m, sender !== undefined);
    const content = prop(m, 'content');
    let blocks = content?.type === 'array' && (content.children ?? []).length > 0 ? reader.content(content).blocks : [];
    const text = prop(m, 'text');
    if (blocks.length === 0 && text?.type === 'string') blocks = reader.content(text).blocks;
    if (blocks.length === 0) blocks.push(reader.emptyBlock(m));
    const turn: Mutable<Turn> = { index: turns.length, role, roleLabel: label, span: reader.span(m), blocks, notes: reader.notes(m) };
    if (sender?.parent) turn.roleSpan = reader.span(sender.parent);
    turns.push(turn);
  }
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.claudeExport, turns };
  reader.setId(conversation, node, 'uuid');
  const title = stringProp(node, 'name');
  if (title) conversation.title = title;
  return [conversation];
}
