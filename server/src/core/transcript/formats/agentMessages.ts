/**
 * Messages of agent logs (Inspect, Petri, Docent): chat messages whose tool calls name their
 * function as a string, and whose tool messages (`function`, `content`, `error`) are tool results.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader } from '../jsonFormat.ts';
import { stringProp } from '../jsonNode.ts';
import type { ContentBlock, Turn } from '../model.ts';

/** The turns of agent messages, numbered from `first`; a tool message's text blocks are `tool_result` blocks. */
export function agentTurns(reader: JsonReader, items: readonly Node[], first = 0): Turn[] {
  const turns: Turn[] = [];
  for (const m of items) {
    if (m.type !== 'object') {
      reader.warn('transcript.unknown-shape', 'Expected a message object.', m);
      continue;
    }
    turns.push(agentTurn(reader, m, first + turns.length));
  }
  return turns;
}

/** One agent message; `content`, when given, is read in place of the message's own. */
export function agentTurn(reader: JsonReader, m: Node, index: number, content?: Node): Turn {
  const { turn } = reader.message(m, index, ['role'], content);
  if (turn.role !== 'tool') return turn;
  const name = stringProp(m, 'function') ?? stringProp(m, 'name');
  return { ...turn, blocks: turn.blocks.map((b) => asToolResult(b, name)) };
}

function asToolResult(b: ContentBlock, name: string | undefined): ContentBlock {
  if (b.type !== 'text') return b;
  return name === undefined ? { ...b, type: 'tool_result' } : { ...b, type: 'tool_result', name };
}
