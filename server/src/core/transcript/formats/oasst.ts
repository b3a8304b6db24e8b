/**
 * OpenAssistant message trees: a message `{text, role: prompter|assistant, replies[]}`, or a tree
 * `{message_tree_id, prompt: message}`. Every path from the root to a leaf is one conversation,
 * named by the tree and its branch (`<tree> · branch 2 of 5`) so that the outline shows them all.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';

export function isOasst(node: Node): boolean {
  const root = oasstRoot(node);
  return root !== undefined;
}

function oasstRoot(node: Node): Node | undefined {
  const prompt = prop(node, 'prompt');
  if (prompt?.type === 'object' && prop(prompt, 'replies')?.type === 'array') return prompt;
  if (prop(node, 'replies')?.type === 'array' && prop(node, 'text')?.type === 'string' && prop(node, 'role')?.type === 'string') return node;
  return undefined;
}

export function readOasst(reader: JsonReader, node: Node, index: number): Conversation[] {
  const root = oasstRoot(node)!;
  const paths: Node[][] = [];
  const walk = (message: Node, path: Node[]) => {
    const here = [...path, message];
    const replies = arrayProp(message, 'replies').filter((r) => r.type === 'object');
    if (replies.length === 0) paths.push(here);
    for (const r of replies) walk(r, here);
  };
  walk(root, []);
  const tree = stringProp(node, 'message_tree_id') ?? stringProp(root, 'message_tree_id') ?? stringProp(root, 'message_id');
  return paths.map((path, n) => {
    const turns: Turn[] = path.map((m, i) => oasstTurn(reader, m, i));
    const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.oasst, turns };
    const branch = paths.length > 1 ? `branch ${n + 1} of ${paths.length}` : undefined;
    const id = [tree, branch].filter((s) => s !== undefined).join(' · ');
    if (id) conversation.id = id;
    return conversation;
  });
}

/** A message alone (its replies are other turns), its range the role through the text. */
function oasstTurn(reader: JsonReader, m: Node, index: number): Turn {
  const roleNode = prop(m, 'role');
  const label = roleNode?.type === 'string' ? (roleNode.value as string) : '';
  const role = reader.role(label, roleNode ?? m, roleNode !== undefined);
  const text = prop(m, 'text');
  const blocks = text?.type === 'string' ? [reader.valueBlock('text', text, m)] : [reader.emptyBlock(m)];
  const turn: Mutable<Turn> = { index, role, roleLabel: label, span: text ? reader.span(text.parent ?? text) : reader.span(m), blocks, notes: [] };
  if (roleNode?.parent) turn.roleSpan = reader.span(roleNode.parent);
  return turn;
}
