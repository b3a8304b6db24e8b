/**
 * Petri and Bloom auditing transcripts: `{metadata: {transcript_id, judge_output, ...}, events[]}`,
 * where each `transcript_event` edits the messages of one or more named views (`add` a message,
 * `rollback` the last ones or back to a message id, `reset` to new messages). The events are
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

export function readPetri(reader: JsonReader, node: Node, index: number): Conversation[] {
  let messages: Node[] = [];
  for (const event of arrayProp(node, 'events')) {
    if (event.type !== 'object' || !inTargetView(prop(event, 'view'))) continue;
    const edit = prop(event, 'edit');
    const operation = stringProp(edit, 'operation') ?? stringProp(edit, 'type');
    if (operation === 'add' || operation === 'add_message') {
      const message = prop(edit, 'message');
      if (message?.type === 'object') messages.push(message);
    } else if (operation === 'rollback') {
      messages = rolledBack(messages, edit!);
    } else if (operation === 'reset') {
      messages = arrayProp(edit, 'new_messages').filter((m) => m.type === 'object');
    } else if (operation !== undefined) {
      reader.warn('transcript.unsupported-edit', `A "${operation}" edit of the target view is not replayed; the messages before it are read as they were.`, edit!, 'info');
    }
  }
  const turns: Turn[] = [];
  for (const m of messages) turns.push(agentTurn(reader, m, turns.length));
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

function inTargetView(view: Node | undefined): boolean {
  if (view?.type === 'string') return view.value === targetView;
  if (view?.type === 'array') return (view.children ?? []).some((v) => v.value === targetView);
  return false;
}

/** The messages after a rollback: back to the message `to_id` names, or without the last `count`. */
function rolledBack(messages: Node[], edit: Node): Node[] {
  const toId = stringProp(edit, 'to_id');
  if (toId !== undefined) {
    const at = messages.findIndex((m) => stringProp(m, 'id') === toId);
    if (at >= 0) return messages.slice(0, at + 1);
  }
  const count = prop(edit, 'count');
  const n = count?.type === 'number' ? (count.value as number) : 0;
  return n > 0 ? messages.slice(0, Math.max(0, messages.length - n)) : messages;
}

