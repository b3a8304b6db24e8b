/**
 * Claude Code sessions (`~/.claude/projects/<project>/<session>.jsonl`): one entry per line; a
 * `user` or `assistant` entry holds a Messages API `message`, and the whole file is one
 * conversation. Entries of other types (`summary`, `system`, `file-history-snapshot`, ...) hold no
 * turn. A line read alone gives its one turn; `joinSession` makes the file's conversation of them.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';

export function isClaudeCodeEntry(node: Node): boolean {
  return prop(node, 'sessionId') !== undefined || (prop(node, 'type') !== undefined && (prop(node, 'leafUuid') !== undefined || prop(node, 'messageId') !== undefined));
}

export function readClaudeCodeEntry(reader: JsonReader, node: Node, index: number): Conversation[] {
  const type = stringProp(node, 'type');
  const message = prop(node, 'message');
  if ((type !== 'user' && type !== 'assistant') || message?.type !== 'object') return [];
  const { turn } = reader.message(message, 0, ['role']);
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.claudeCode, turns: [turn] };
  reader.setId(conversation, node, 'sessionId');
  return [conversation];
}

/**
 * The conversations of a session's lines joined into one: every turn in file order, numbered
 * through the file, in a conversation that spans the file. Conversations of other formats are
 * left as they are.
 */
export function joinSession(conversations: Conversation[], fileLength: number): Conversation[] {
  if (!conversations.some((c) => c.format === TranscriptFormat.claudeCode)) return conversations;
  const session = conversations.filter((c) => c.format === TranscriptFormat.claudeCode);
  const turns: Turn[] = [];
  for (const c of session) for (const t of c.turns) turns.push(t.index === turns.length ? t : { ...t, index: turns.length });
  const joined: Mutable<Conversation> = { index: 0, span: { start: 0, end: fileLength }, format: TranscriptFormat.claudeCode, turns };
  if (session[0].id !== undefined) joined.id = session[0].id;
  return [joined, ...conversations.filter((c) => c.format !== TranscriptFormat.claudeCode)];
}

/** How far into a file its first entries are looked for. */
const sessionProbeLength = 64 * 1024;

/**
 * Whether a JSONL text is a Claude Code session, from its first entries (the first few non-blank
 * lines within its first 64 KiB): a session is read as one conversation through the whole-file
 * path, where a JSONL file of other records is read line by line.
 */
export function isClaudeCodeSession(head: string): boolean {
  const text = head.length > sessionProbeLength ? head.slice(0, sessionProbeLength) : head;
  let seen = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (++seen > 5) return false;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return false;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const entry = value as Record<string, unknown>;
    if (typeof entry.sessionId === 'string' && (entry.type === 'user' || entry.type === 'assistant') && typeof entry.message === 'object') return true;
    if (typeof entry.type !== 'string' || (entry.leafUuid === undefined && entry.messageId === undefined && entry.sessionId === undefined)) return false;
  }
  return false;
}
