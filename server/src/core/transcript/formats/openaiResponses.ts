/**
 * OpenAI Responses API: a request body (`instructions` as a system turn, `input` a string or a
 * list of items), a response body (`output` items), or a stored list of items. Each item is a
 * turn: `message` (content parts `input_text`, `output_text`, `refusal`, all read as text),
 * `function_call` (a `tool_call` block), `function_call_output` (a tool turn), `reasoning`
 * (`summary[].text` as `reasoning` blocks).
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Role, type Turn } from '../model.ts';

/** Item types of the Responses API that hold something to read. */
const itemTypes = new Set(['message', 'function_call', 'function_call_output', 'reasoning', 'custom_tool_call', 'custom_tool_call_output']);

export function isResponsesBody(node: Node): boolean {
  const input = prop(node, 'input');
  if ((input?.type === 'string' || input?.type === 'array') && (prop(node, 'model') !== undefined || prop(node, 'instructions') !== undefined)) return true;
  return prop(node, 'output')?.type === 'array' && stringProp(node, 'object') === 'response';
}

/** A root array of Responses items (some typed, as `function_call`, not only `{role, content}` messages). */
export function isResponsesItems(node: Node): boolean {
  const items = node.type === 'array' ? (node.children ?? []) : [];
  return items.length > 0 && items.every((i) => i.type === 'object' && (itemTypes.has(stringProp(i, 'type') ?? '') || prop(i, 'role') !== undefined));
}

export function readResponsesBody(reader: JsonReader, node: Node, index: number): Conversation[] {
  const turns: Turn[] = [];
  const instructions = prop(node, 'instructions');
  if (instructions?.type === 'string') turns.push(reader.propertyTurn('system', instructions, 0));
  const input = prop(node, 'input');
  if (input?.type === 'string') turns.push(reader.propertyTurn('user', input, turns.length));
  else if (input?.type === 'array') readItems(reader, input.children ?? [], turns);
  readItems(reader, arrayProp(node, 'output'), turns);
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.openaiResponses, turns };
  reader.setId(conversation, node);
  return [conversation];
}

export function readResponsesItems(reader: JsonReader, node: Node, index: number): Conversation[] {
  const turns: Turn[] = [];
  readItems(reader, node.children ?? [], turns);
  return [{ index, span: reader.span(node), format: TranscriptFormat.openaiResponses, turns }];
}

function readItems(reader: JsonReader, items: readonly Node[], turns: Turn[]): void {
  for (const item of items) {
    if (item.type !== 'object') continue;
    const turn = readItem(reader, item, turns.length);
    if (turn) turns.push(turn);
  }
}

function readItem(reader: JsonReader, item: Node, index: number): Turn | undefined {
  const type = stringProp(item, 'type') ?? 'message';
  const typeNode = prop(item, 'type');
  switch (type) {
    case 'message': {
      const { turn } = reader.message(item, index, ['role']);
      return turn;
    }
    case 'function_call':
    case 'custom_tool_call':
      return itemTurn(reader, item, index, 'assistant', typeNode, [
        reader.valueBlock('tool_call', prop(item, 'arguments') ?? prop(item, 'input'), item, prop(item, 'name')),
      ]);
    case 'function_call_output':
    case 'custom_tool_call_output':
      return itemTurn(reader, item, index, 'tool', typeNode, [reader.valueBlock('tool_result', prop(item, 'output'), item)]);
    case 'reasoning': {
      const blocks: ContentBlock[] = [];
      for (const part of arrayProp(item, 'summary')) {
        const text = prop(part, 'text');
        if (text?.type === 'string') blocks.push(reader.valueBlock('reasoning', text, part));
      }
      return itemTurn(reader, item, index, 'assistant', typeNode, blocks);
    }
    default:
      return undefined;
  }
}

function itemTurn(reader: JsonReader, item: Node, index: number, role: Role, typeNode: Node | undefined, blocks: ContentBlock[]): Turn {
  if (blocks.length === 0) blocks.push(reader.emptyBlock(item));
  const turn: Mutable<Turn> = { index, role, roleLabel: stringProp(item, 'type') ?? role, span: reader.span(item), blocks, notes: [] };
  if (typeNode?.parent) turn.roleSpan = reader.span(typeNode.parent);
  return turn;
}
