/**
 * The JSON shapes a transcript may take, in one table: each row names a format, says how a value of
 * that shape is recognised (a test of its keys) and gives its reader, which lives in a file of its
 * own under `formats/`. A value is read by the first row that recognises it, so a row whose keys
 * another row's also has comes before it (an Inspect sample's `messages` before plain chat
 * messages; a preference pair's `messages` likewise). To add a format: write its reader over
 * {@link JsonReader}'s helpers, and add its row.
 */
import type { Node } from 'jsonc-parser';
import type { JsonReader } from './jsonFormat.ts';
import type { Conversation } from './model.ts';
import { isChat, readChat } from './formats/chat.ts';
import { isChatGptExport, readChatGptExport } from './formats/chatgptExport.ts';
import { isClaudeCodeEntry, readClaudeCodeEntry } from './formats/claudeCode.ts';
import { isClaudeExport, readClaudeExport } from './formats/claudeExport.ts';
import { isGemini, readGemini } from './formats/gemini.ts';
import { isInspectLog, isInspectSample, readInspectLog, readInspectSampleValue } from './formats/inspect.ts';
import { isOasst, readOasst } from './formats/oasst.ts';
import { isResponsesBody, isResponsesItems, readResponsesBody, readResponsesItems } from './formats/openaiResponses.ts';
import { isPair, readPair } from './formats/pair.ts';
import { isPetri, readPetri } from './formats/petri.ts';
import {
  isDocent,
  isDocentRunWithTree,
  isOpenAiEvalsLine,
  isPromptfoo,
  isTauBench,
  readDocent,
  readDocentRunWithTree,
  readOpenAiEvalsLine,
  readPromptfoo,
  readTauBench,
} from './formats/records.ts';
import { isShareGpt, readShareGpt } from './formats/sharegpt.ts';

/** One row of the table. */
export interface JsonFormat {
  /** The format's name, as the README lists it. */
  readonly name: string;
  /** The keys that mark it, as a message about an unknown shape lists them. */
  readonly keys: string;
  /** Whether a value has this shape. */
  readonly recognise: (node: Node) => boolean;
  /** The value's conversations, numbered from `index`. */
  readonly read: (reader: JsonReader, node: Node, index: number) => Conversation[];
}

/**
 * The shapes of one value: a file's root object, an element of a root array, or a JSONL line.
 * Plain chat messages come first after the rows whose keys include `messages`, since they are most
 * of what large datasets hold.
 */
export const jsonValueFormats: readonly JsonFormat[] = [
  { name: 'Preference pair (hh-rlhf, chosen/rejected message lists)', keys: '`chosen` and `rejected`', recognise: isPair, read: readPair },
  { name: 'Inspect AI sample', keys: '`messages` with `epoch`', recognise: isInspectSample, read: readInspectSampleValue },
  { name: 'Chat messages (Anthropic Messages, OpenAI chat, labelled records)', keys: '`messages`', recognise: isChat, read: readChat },
  { name: 'ShareGPT, LMSYS-Chat', keys: '`conversations` or `conversation`', recognise: isShareGpt, read: readShareGpt },
  { name: 'Inspect AI log', keys: '`samples` with `eval`', recognise: isInspectLog, read: readInspectLog },
  { name: 'Petri or Bloom transcript', keys: '`events` with `metadata.transcript_id`', recognise: isPetri, read: readPetri },
  { name: 'OpenAI Responses API body', keys: '`input` or `output`', recognise: isResponsesBody, read: readResponsesBody },
  { name: 'ChatGPT export', keys: '`mapping` and `current_node`', recognise: isChatGptExport, read: readChatGptExport },
  { name: 'Claude.ai export', keys: '`chat_messages`', recognise: isClaudeExport, read: readClaudeExport },
  { name: 'Gemini', keys: '`contents`', recognise: isGemini, read: readGemini },
  { name: 'OpenAssistant tree', keys: '`replies`', recognise: isOasst, read: readOasst },
  { name: 'tau-bench result', keys: '`traj`', recognise: isTauBench, read: readTauBench },
  { name: 'Docent agent run', keys: '`transcripts`', recognise: isDocent, read: readDocent },
  { name: 'promptfoo export', keys: '`results.results`', recognise: isPromptfoo, read: readPromptfoo },
  { name: 'OpenAI Evals log line', keys: '`run_id` and `event_id`', recognise: isOpenAiEvalsLine, read: readOpenAiEvalsLine },
  { name: 'Claude Code session line', keys: '`sessionId`', recognise: isClaudeCodeEntry, read: readClaudeCodeEntry },
];

/** The shapes of a root array that is one conversation rather than a list of them. */
export const jsonRootFormats: readonly JsonFormat[] = [
  { name: 'OpenAI Responses API items', keys: 'an array of items', recognise: isResponsesItems, read: readResponsesItems },
  { name: 'Docent agent run with its tree', keys: '`[run, tree]`', recognise: isDocentRunWithTree, read: readDocentRunWithTree },
];

/** The keys of every shape, for the message about a value of none. */
export function knownShapes(): string {
  return jsonValueFormats.map((f) => f.keys).join(', ');
}
