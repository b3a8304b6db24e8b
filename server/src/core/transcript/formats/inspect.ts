/**
 * Inspect AI evaluation logs: a `.json` log (`{version, eval, samples[]}`) and one sample
 * (`{id, epoch, messages, ...}`), which is also what each `samples/<id>_epoch_<n>.json` entry of an
 * `.eval` zip holds. One conversation per sample and epoch, named `<id> epoch <n>`.
 */
import type { Node } from 'jsonc-parser';
import { JsonReader, type JsonConversations, type Mutable } from '../jsonFormat.ts';
import { arrayProp, prop } from '../jsonNode.ts';
import { scanJson } from '../jsonScan.ts';
import { jsonTreeWithJsonc } from '../jsonTree.ts';
import { TranscriptFormat, type Conversation } from '../model.ts';
import { agentTurns } from './agentMessages.ts';

export function isInspectLog(node: Node): boolean {
  return prop(node, 'samples')?.type === 'array' && (prop(node, 'eval')?.type === 'object' || prop(node, 'version') !== undefined);
}

export function readInspectLog(reader: JsonReader, node: Node, index: number): Conversation[] {
  const out: Conversation[] = [];
  for (const sample of arrayProp(node, 'samples')) {
    if (sample.type !== 'object') continue;
    out.push(inspectSampleConversation(reader, sample, index + out.length));
  }
  return out;
}

/** An Inspect sample: `messages` beside `epoch` (and `id`, `input`, `target`, `scores`). */
export function isInspectSample(node: Node): boolean {
  return prop(node, 'epoch')?.type === 'number' && prop(node, 'messages')?.type === 'array';
}

export function readInspectSampleValue(reader: JsonReader, node: Node, index: number): Conversation[] {
  return [inspectSampleConversation(reader, node, index)];
}

function inspectSampleConversation(reader: JsonReader, sample: Node, index: number): Conversation {
  const turns = agentTurns(reader, arrayProp(sample, 'messages'));
  const conversation: Mutable<Conversation> = { index, span: reader.span(sample), format: TranscriptFormat.inspect, turns };
  const id = prop(sample, 'id');
  const epoch = prop(sample, 'epoch');
  const name = id?.type === 'string' || id?.type === 'number' ? String(id.value) : undefined;
  if (name !== undefined) conversation.id = epoch?.type === 'number' ? `${name} epoch ${epoch.value as number}` : name;
  if (!reader.withoutMeta) {
    const scores = prop(sample, 'scores');
    if (scores?.type === 'object') conversation.meta = { scores: reader.plain(scores) };
  }
  return conversation;
}

/**
 * Reads the text of one Inspect sample (an `.eval` zip's `samples/<id>_epoch_<n>.json`, or any
 * `{id, epoch, messages}` object) as the conversation numbered `index`, with ranges into `text`.
 * Syntax errors are problems at their places; a value that is not a sample is a warning.
 */
export function readInspectSample(text: string, index = 0): JsonConversations {
  const scanned = scanJson(text);
  const { root, problems } = scanned ? { root: scanned, problems: [] } : jsonTreeWithJsonc(text);
  if (!root) return { conversations: [], problems };
  const reader = new JsonReader(text);
  if (root.type !== 'object' || prop(root, 'messages')?.type !== 'array') {
    reader.warn('transcript.unknown-shape', 'Expected an Inspect sample: an object with `messages` (and `id`, `epoch`).', root);
    return { conversations: [], problems: [...problems, ...reader.problems] };
  }
  const conversations = [inspectSampleConversation(reader, root, index)];
  return { conversations, problems: [...problems, ...reader.problems] };
}
