/**
 * ShareGPT (`conversations[{from, value}]`, with an optional `system` string before them) and
 * LMSYS-Chat (`conversation[{role, content}]`). A record is named by its `id`, or by LMSYS's
 * `conversation_id`, which is how that dataset's records are cited. LLaMA-Factory's tool-calling
 * turns (`function_call`, `observation`) are read as a tool call and its result.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { prop } from '../jsonNode.ts';
import { mappedSlice } from '../mappedSlice.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Turn } from '../model.ts';

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
  readToolTurns(turns);
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.sharegpt, turns };
  reader.setId(conversation, node);
  if (conversation.id === undefined) reader.setId(conversation, node, 'conversation_id');
  return [conversation];
}

/**
 * LLaMA-Factory's tool calling in ShareGPT: a `function_call` turn is the assistant calling a tool,
 * its value the call `{"name": ..., "arguments": ...}` written into a string, and the
 * `observation` turn after it is what the tool answered. They become the assistant's tool call,
 * named by the tool, and the tool's result under the same name, as other formats' calls and
 * results are, so the outline lists them and a detector that targets a tool reads its calls. A
 * value that does not hold such a call is left as the text it is. The turns are replaced in place,
 * which keeps the array of the kind every other conversation's turns are.
 */
function readToolTurns(turns: Turn[]): void {
  let tool: string | undefined;
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    if (turn.roleLabel === 'function_call') {
      const call = toolCall(turn);
      tool = call?.name;
      if (call) turns[i] = { ...turn, role: 'assistant', blocks: [call] };
    } else if (turn.roleLabel === 'observation' && turn.blocks.length === 1 && turn.blocks[0].type === 'text') {
      const result: Mutable<ContentBlock> = { ...turn.blocks[0], type: 'tool_result' };
      if (tool !== undefined) result.name = tool;
      turns[i] = { ...turn, blocks: [result] };
    }
  }
}

/** The tool call a `function_call` turn's text holds: its place the whole value, its text the arguments, mapped to where they are written. */
function toolCall(turn: Turn): ContentBlock | undefined {
  if (turn.blocks.length !== 1 || turn.blocks[0].type !== 'text') return undefined;
  const { text, span } = turn.blocks[0];
  const errors: ParseError[] = [];
  const call = parseTree(text.text, errors, { disallowComments: true });
  if (errors.length > 0 || call?.type !== 'object') return undefined;
  const name = prop(call, 'name');
  if (name?.type !== 'string') return undefined;
  const args = prop(call, 'arguments');
  if (!args) return { type: 'tool_call', name: name.value as string, text: mappedSlice(text, 0, 0), span };
  const start = args.type === 'string' ? args.offset + 1 : args.offset;
  const end = args.type === 'string' ? args.offset + args.length - 1 : args.offset + args.length;
  return { type: 'tool_call', name: name.value as string, text: mappedSlice(text, start, end), span };
}
