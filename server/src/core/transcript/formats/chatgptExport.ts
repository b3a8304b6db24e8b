/**
 * A ChatGPT data export's `conversations.json`: an array of conversations, each a `mapping` of
 * nodes. The conversation shown is the path from `current_node` up through `parent` to the root,
 * (where an export leaves `current_node` out, from the last leaf),
 * read from the root down; a message's role is `author.role` and its text the strings of
 * `content.parts` (or `content.text`). Hidden messages (the empty system prompt, context the app
 * adds) are skipped.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Turn } from '../model.ts';

export function isChatGptExport(node: Node): boolean {
  return prop(node, 'mapping')?.type === 'object' && (prop(node, 'current_node') !== undefined || prop(node, 'create_time') !== undefined || prop(node, 'title') !== undefined);
}

/**
 * The node the conversation ends at: `current_node`, or for an export without it, the last node of
 * the mapping that has no children (the newest leaf, as the mapping lists nodes in the order made).
 */
function lastNode(node: Node, mapping: Node): string | undefined {
  const current = stringProp(node, 'current_node');
  if (current !== undefined) return current;
  let leaf: string | undefined;
  for (const entry of mapping.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (key?.type === 'string' && value?.type === 'object' && arrayProp(value, 'children').length === 0) leaf = key.value as string;
  }
  return leaf;
}

export function readChatGptExport(reader: JsonReader, node: Node, index: number): Conversation[] {
  const mapping = prop(node, 'mapping')!;
  const path: Node[] = [];
  const seen = new Set<string>();
  let id = lastNode(node, mapping);
  while (id !== undefined && !seen.has(id)) {
    seen.add(id);
    const entry = prop(mapping, id);
    if (entry?.type !== 'object') break;
    path.push(entry);
    id = stringProp(entry, 'parent');
  }
  path.reverse();
  const turns: Turn[] = [];
  for (const entry of path) {
    const message = prop(entry, 'message');
    if (message?.type !== 'object' || isHidden(message)) continue;
    const turn = readMessage(reader, message, turns.length);
    if (turn) turns.push(turn);
  }
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.chatgptExport, turns };
  reader.setId(conversation, node, prop(node, 'conversation_id') ? 'conversation_id' : 'id');
  const title = stringProp(node, 'title');
  if (title) conversation.title = title;
  return [conversation];
}

function isHidden(message: Node): boolean {
  const metadata = prop(message, 'metadata');
  return prop(metadata, 'is_visually_hidden_from_conversation')?.value === true;
}

function readMessage(reader: JsonReader, message: Node, index: number): Turn | undefined {
  const author = prop(message, 'author');
  const roleNode = prop(author, 'role');
  const label = roleNode?.type === 'string' ? (roleNode.value as string) : '';
  const role = reader.role(label, roleNode ?? message, roleNode !== undefined);
  const content = prop(message, 'content');
  const contentType = stringProp(content, 'content_type') ?? 'text';
  const blockType = contentType === 'thoughts' || contentType === 'reasoning_recap' ? 'reasoning' : role === 'tool' ? 'tool_result' : 'text';
  const blocks: ContentBlock[] = [];
  for (const part of arrayProp(content, 'parts')) if (part.type === 'string') blocks.push(reader.valueBlock(blockType, part, part));
  const text = prop(content, 'text');
  if (text?.type === 'string') blocks.push(reader.valueBlock(contentType === 'code' ? 'tool_call' : blockType, text, text));
  for (const thought of arrayProp(content, 'thoughts')) {
    const t = prop(thought, 'content');
    if (t?.type === 'string') blocks.push(reader.valueBlock('reasoning', t, t));
  }
  if (blocks.every((b) => b.text.text.trim() === '') && role === 'system') return undefined;
  if (blocks.length === 0) blocks.push(reader.emptyBlock(message));
  const turn: Mutable<Turn> = { index, role, roleLabel: label, span: reader.span(message), blocks, notes: [] };
  if (roleNode?.parent) turn.roleSpan = reader.span(roleNode.parent);
  return turn;
}
