/**
 * Records of evaluation harnesses that hold chat messages under their own keys: tau-bench results
 * (`traj`), Docent agent runs (`transcripts`, a list or a map of `{messages}`, alone or followed by
 * the tree of its transcripts, as Docent's API serves a run and as runs exported from it are
 * published), promptfoo exports
 * (`results.results[]`, each a prompt and a response), and OpenAI Evals logs (one event per JSONL
 * line; a `sampling` event's `data.prompt` and `data.sampled` are a conversation, the other lines
 * hold none).
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader, Mutable } from '../jsonFormat.ts';
import { arrayProp, prop, stringProp } from '../jsonNode.ts';
import { TranscriptFormat, type Conversation, type Turn } from '../model.ts';
import { agentTurns } from './agentMessages.ts';

export function isTauBench(node: Node): boolean {
  return prop(node, 'traj')?.type === 'array';
}

export function readTauBench(reader: JsonReader, node: Node, index: number): Conversation[] {
  const turns = reader.messages(arrayProp(node, 'traj')).turns;
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.tauBench, turns };
  const task = prop(node, 'task_id');
  const trial = prop(node, 'trial');
  if (task?.type === 'number' || task?.type === 'string') conversation.id = trial?.type === 'number' ? `task ${String(task.value)} trial ${trial.value as number}` : `task ${String(task.value)}`;
  return [conversation];
}

export function isDocent(node: Node): boolean {
  const transcripts = prop(node, 'transcripts');
  return transcripts?.type === 'array' || (transcripts?.type === 'object' && (transcripts.children ?? []).some((p) => prop(p.children?.[1], 'messages') !== undefined));
}

export function readDocent(reader: JsonReader, node: Node, index: number): Conversation[] {
  const transcripts = prop(node, 'transcripts')!;
  const entries: { name?: string; value: Node }[] =
    transcripts.type === 'array'
      ? (transcripts.children ?? []).map((value) => ({ value }))
      : (transcripts.children ?? []).flatMap((p) => (p.children?.[1] ? [{ name: p.children[0].value as string, value: p.children[1] }] : []));
  const out: Conversation[] = [];
  for (const { name, value } of entries) {
    if (value.type !== 'object') continue;
    const conversation: Mutable<Conversation> = { index, span: reader.span(value), format: TranscriptFormat.docent, turns: agentTurns(reader, arrayProp(value, 'messages')) };
    const id = stringProp(value, 'id') ?? stringProp(value, 'name') ?? name;
    if (id !== undefined) conversation.id = id;
    out.push(conversation);
  }
  return out;
}

/**
 * The tree Docent sends after a run (`[run, tree]`): the order of the run's transcripts, in the
 * older `{tree, transcript_ids_ordered}` or the later `{nodes, transcript_id_to_idx, parent_map}`.
 * It holds no message, so it is read as part of the run rather than as a value of unknown shape.
 */
function isDocentTree(node: Node | undefined): boolean {
  if (node?.type !== 'object') return false;
  if (prop(node, 'transcript_ids_ordered')?.type === 'array') return prop(node, 'tree')?.type === 'object';
  return prop(node, 'transcript_id_to_idx')?.type === 'object' && prop(node, 'nodes') !== undefined;
}

/** A root array of a Docent run and its tree, and nothing else. */
export function isDocentRunWithTree(node: Node): boolean {
  const items = node.children ?? [];
  return items.length === 2 && items[0].type === 'object' && isDocent(items[0]) && isDocentTree(items[1]);
}

export function readDocentRunWithTree(reader: JsonReader, node: Node, index: number): Conversation[] {
  return readDocent(reader, node.children![0], index);
}

export function isPromptfoo(node: Node): boolean {
  return prop(prop(node, 'results'), 'results')?.type === 'array';
}

export function readPromptfoo(reader: JsonReader, node: Node, index: number): Conversation[] {
  const out: Conversation[] = [];
  for (const result of arrayProp(prop(node, 'results'), 'results')) {
    if (result.type !== 'object') continue;
    const turns: Turn[] = [];
    const prompt = prop(result, 'prompt');
    const raw = prompt?.type === 'string' ? prompt : prop(prompt, 'raw');
    if (raw?.type === 'string') turns.push(reader.propertyTurn('user', raw, 0));
    const response = prop(result, 'response');
    const output = prop(response, 'output');
    if (output) turns.push(reader.propertyTurn('assistant', output, turns.length));
    const conversation: Mutable<Conversation> = { index: index + out.length, span: reader.span(result), format: TranscriptFormat.promptfoo, turns };
    const test = prop(result, 'testIdx');
    const label = stringProp(prop(result, 'testCase'), 'description');
    const id = [test?.type === 'number' ? `test ${test.value as number}` : undefined, label].filter((s) => s !== undefined).join(' · ');
    if (id) conversation.id = id;
    out.push(conversation);
  }
  return out;
}

/** A line of an OpenAI Evals log: the run's `spec`, its `final_report`, or an event of the run. */
export function isOpenAiEvalsLine(node: Node): boolean {
  if (prop(node, 'run_id') !== undefined && prop(node, 'event_id') !== undefined) return true;
  const spec = prop(node, 'spec');
  if (spec?.type === 'object') return prop(spec, 'eval_name') !== undefined || prop(spec, 'run_id') !== undefined;
  // The report is a line of its own, with no other key.
  return prop(node, 'final_report')?.type === 'object' && (node.children ?? []).length === 1;
}

export function readOpenAiEvalsLine(reader: JsonReader, node: Node, index: number): Conversation[] {
  if (stringProp(node, 'type') !== 'sampling') return [];
  const data = prop(node, 'data');
  const turns: Turn[] = [];
  const prompt = prop(data, 'prompt');
  if (prompt?.type === 'array') turns.push(...reader.messages(prompt.children ?? []).turns);
  else if (prompt?.type === 'string') turns.push(reader.propertyTurn('user', prompt, 0));
  const sampled = prop(data, 'sampled');
  for (const s of sampled?.type === 'array' ? (sampled.children ?? []) : sampled ? [sampled] : []) {
    if (s.type === 'string') turns.push(reader.propertyTurn('assistant', s, turns.length));
  }
  const conversation: Mutable<Conversation> = { index, span: reader.span(node), format: TranscriptFormat.openaiEvals, turns };
  reader.setId(conversation, node, 'sample_id');
  return [conversation];
}
