/**
 * Petri and Bloom auditing transcripts: `{metadata: {transcript_id, judge_output, ...}, events[]}`,
 * where each `transcript_event` edits the messages of one or more named views (`add` a message,
 * `rollback` the last ones or back to a message id, `reset` to new messages; Petri 3 writes each
 * edit as a JSON Patch of the view's list of messages). The events are
 * replayed, and the target model's view is the conversation; the judge's summary, justification
 * and scores stay on the conversation for its hover.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';
import { agentTurn } from './agentMessages.ts';

const targetView = 'target';

export function isPetri(node: Node): boolean {
  const metadata = prop(node, 'metadata');
  return prop(node, 'events')?.type === 'array' && metadata?.type === 'object' && (prop(metadata, 'transcript_id') !== undefined || prop(metadata, 'judge_output') !== undefined);
}

/** A message of the target's view, and the content a patch put in its place, if one did. */
interface ViewMessage {
  readonly node: Node;
  readonly content?: Node;
}

export function readPetri(reader: JsonReader, node: Node, index: number): Conversation[] {
  let messages: ViewMessage[] = [];
  for (const event of arrayProp(node, 'events')) {
    if (event.type !== 'object' || !inTargetView(prop(event, 'view'))) continue;
    const edit = prop(event, 'edit');
    const operation = stringProp(edit, 'operation') ?? stringProp(edit, 'type');
    if (operation === 'add' || operation === 'add_message') {
      const message = prop(edit, 'message');
      if (message?.type === 'object') messages.push({ node: message });
    } else if (operation === 'rollback') {
      messages = rolledBack(messages, edit!);
    } else if (operation === 'reset') {
      messages = arrayProp(edit, 'new_messages')
        .filter((m) => m.type === 'object')
        .map((m) => ({ node: m }));
    } else if (operation === 'json_patch') {
      for (const op of arrayProp(edit, 'patch')) if (!applyPatch(messages, op)) reader.warn('transcript.unsupported-edit', 'This patch of the target view is not replayed; the messages are read as they were before it.', op, 'info');
    } else if (operation !== undefined) {
      reader.warn('transcript.unsupported-edit', `A "${operation}" edit of the target view is not replayed; the messages before it are read as they were.`, edit!, 'info');
    }
  }
  const turns: Turn[] = [];
  for (const m of messages) turns.push(agentTurn(reader, m.node, turns.length, m.content));
  const metadata = prop(node, 'metadata');
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.petri, turns };
  reader.setId(conversation, metadata!, 'transcript_id');
  const judge = prop(metadata, 'judge_output');
  if (judge?.type === 'object') {
    const said = [stringProp(judge, 'summary'), stringProp(judge, 'justification')].filter((s): s is string => s !== undefined && s.trim() !== '');
    if (said.length > 0) conversation.judge = said.join('\n\n');
    const scores = prop(judge, 'scores');
    if (scores?.type === 'object' && !reader.withoutMeta) conversation.meta = { scores: reader.plain(scores) };
  }
  return [conversation];
}

/**
 * Applies one JSON Patch operation (RFC 6902, as Petri 3 writes its edits) to the view's messages:
 * a message added, removed or replaced at `/N` (`/-` for the end), or a message's content replaced
 * at `/N/content`. Changes to other fields of a message (its id, its metadata) change nothing that
 * is read. Returns false for an operation it cannot apply.
 */
function applyPatch(messages: ViewMessage[], op: Node): boolean {
  const kind = stringProp(op, 'op');
  const path = (stringProp(op, 'path') ?? '').split('/').slice(1);
  const value = prop(op, 'value');
  if (path.length === 0) return false;
  const at = path[0] === '-' ? messages.length : Number(path[0]);
  if (!Number.isInteger(at) || at < 0 || at > messages.length) return false;
  if (path.length === 1) {
    if (kind === 'add' && value?.type === 'object') messages.splice(at, 0, { node: value });
    else if (kind === 'remove' && at < messages.length) messages.splice(at, 1);
    else if (kind === 'replace' && value?.type === 'object' && at < messages.length) messages[at] = { node: value };
    else return false;
    return true;
  }
  if (at >= messages.length) return false;
  if (path[1] !== 'content') return true;
  if (path.length > 2) return false;
  if ((kind === 'replace' || kind === 'add') && value) messages[at] = { node: messages[at].node, content: value };
  else return false;
  return true;
}

function inTargetView(view: Node | undefined): boolean {
  if (view?.type === 'string') return view.value === targetView;
  if (view?.type === 'array') return (view.children ?? []).some((v) => v.value === targetView);
  return false;
}

/** The messages after a rollback: back to the message `to_id` names, or without the last `count`. */
function rolledBack(messages: ViewMessage[], edit: Node): ViewMessage[] {
  const toId = stringProp(edit, 'to_id');
  if (toId !== undefined) {
    const at = messages.findIndex((m) => stringProp(m.node, 'id') === toId);
    if (at >= 0) return messages.slice(0, at + 1);
  }
  const count = prop(edit, 'count');
  const n = count?.type === 'number' ? (count.value as number) : 0;
  return n > 0 ? messages.slice(0, Math.max(0, messages.length - n)) : messages;
}

