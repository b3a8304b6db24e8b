/**
 * Gemini API requests and logs: `contents[{role: user|model, parts[]}]`, each part `{text}` (a
 * `reasoning` block when `thought` is true), `{functionCall: {name, args}}` or `{functionResponse:
 * {name, response}}`; `systemInstruction` (or `system_instruction`) a system turn before them.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Role, type Turn } from '../model.ts';

export function isGemini(node: Node): boolean {
  const contents = prop(node, 'contents');
  return contents?.type === 'array' && (contents.children ?? []).every((c) => c.type === 'object' && prop(c, 'parts') !== undefined);
}

export function readGemini(reader: JsonReader, node: Node, index: number): Conversation[] {
  const turns: Turn[] = [];
  const system = prop(node, 'systemInstruction') ?? prop(node, 'system_instruction');
  if (system?.type === 'string') turns.push(reader.propertyTurn('system', system, 0));
  else if (system?.type === 'object') turns.push(geminiTurn(reader, system.parent ?? system, system, 0, 'system', system.parent?.children?.[0]));
  for (const c of arrayProp(node, 'contents')) {
    if (c.type !== 'object') continue;
    const roleNode = prop(c, 'role');
    const label = roleNode?.type === 'string' ? (roleNode.value as string) : 'user';
    const role = roleNode ? reader.role(label, roleNode) : 'user';
    turns.push(geminiTurn(reader, c, c, turns.length, role, roleNode?.parent, label));
  }
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.gemini, turns };
  reader.setId(conversation, node);
  return [conversation];
}

function geminiTurn(reader: JsonReader, whole: Node, content: Node, index: number, role: Role, roleAt: Node | undefined, label: string = role): Turn {
  const blocks: ContentBlock[] = [];
  for (const part of arrayProp(content, 'parts')) {
    const text = prop(part, 'text');
    if (text?.type === 'string') {
      blocks.push(reader.valueBlock(prop(part, 'thought')?.value === true ? 'reasoning' : 'text', text, part));
      continue;
    }
    const call = prop(part, 'functionCall') ?? prop(part, 'function_call');
    if (call?.type === 'object') {
      blocks.push(reader.valueBlock('tool_call', prop(call, 'args'), call, stringProp(call, 'name')));
      continue;
    }
    const response = prop(part, 'functionResponse') ?? prop(part, 'function_response');
    if (response?.type === 'object') blocks.push(reader.valueBlock('tool_result', prop(response, 'response'), response, stringProp(response, 'name')));
  }
  if (blocks.length === 0) blocks.push(reader.emptyBlock(whole));
  const turn: Mutable<Turn> = { index, role, roleLabel: label, span: reader.span(whole), blocks, notes: [] };
  if (roleAt) turn.roleSpan = reader.span(roleAt);
  return turn;
}
