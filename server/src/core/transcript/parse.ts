import { parseTree, type ParseError } from 'jsonc-parser';
import { problem, type Problem } from '../problem.ts';
import { verbatimText } from '../text.ts';
import { JsonReader } from './jsonFormat.ts';
import { joinSession } from './formats/claudeCode.ts';
import { scanJson } from './jsonScan.ts';
import { isBlankLine, parseJsonlLine } from './jsonl.ts';
import { jsonTreeWithJsonc } from './jsonTree.ts';

export { isBlankLine, JsonlModel, parseJsonlLine, parseJsonlLineWithJsonc, type JsonlLine } from './jsonl.ts';
export { isClaudeCodeSession } from './formats/claudeCode.ts';
export { readInspectSample } from './formats/inspect.ts';
export { knownShapes } from './formats.ts';
import { parseMarkdownTurns } from './markdownFormat.ts';
import { TranscriptFormat, type Conversation, type Transcript } from './model.ts';
import { parsePromptFile, parsePromptyFile } from './promptFiles.ts';
import { parseTextTurns, type TextTurns } from './textFormat.ts';

/** How a file is read, from its name and, where the name leaves it open, its content. */
export const FileKind = {
  text: 'text',
  markdown: 'markdown',
  json: 'json',
  jsonl: 'jsonl',
  prompt: 'prompt',
  prompty: 'prompty',
} as const;
export type FileKind = (typeof FileKind)[keyof typeof FileKind];

/** Whether a file's name says JSONL, one record per line (`.jsonl`, `.ndjson`, in any case). */
export function isJsonlFileName(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith('.jsonl') || n.endsWith('.ndjson');
}

/** The kind a file name settles, or `undefined` for a name that says nothing or is ambiguous (`.txt`). */
function kindFromName(name: string): FileKind | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.prompty')) return FileKind.prompty;
  if (n.endsWith('.prompt.md') || n.endsWith('.prompt.txt')) return FileKind.prompt;
  if (n.endsWith('.transcript.md')) return FileKind.markdown;
  if (n.endsWith('.transcript') || n.endsWith('.transcript.txt')) return FileKind.text;
  if (isJsonlFileName(n)) return FileKind.jsonl;
  if (n.endsWith('.json')) return FileKind.json;
  return undefined;
}

/**
 * Whether a file of this name is read as a transcript or a prompt. JSON and JSONL count (their
 * content decides the shape), except constitutions (`*.constitution.json`). A plain `.txt` does not
 * count by name; {@link looksLikeTranscript} decides it from its content.
 */
export function isTranscriptFileName(name: string): boolean {
  const n = name.toLowerCase();
  if (n.endsWith('.constitution.json')) return false;
  return kindFromName(n) !== undefined;
}

const textTurnLine = /(?:^|\n)(?:Human|User|Assistant|System|Developer|Tool):/;

/** Whether a file is a transcript, by name or, for a plain `.txt`, by a turn label at a line start. */
export function looksLikeTranscript(name: string, text: string): boolean {
  if (isTranscriptFileName(name)) return true;
  return name.toLowerCase().endsWith('.txt') && textTurnLine.test(text.slice(0, 64 * 1024));
}

/**
 * The kind of a file from its name and content: a `.json` that is not one JSON value but is one per
 * line is JSONL, and a `.jsonl` that is one JSON value spread over lines is JSON.
 */
export function detectKind(name: string, text: string): FileKind {
  const byName = kindFromName(name);
  if (byName === FileKind.json || byName === FileKind.jsonl) {
    const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).trim();
    if (!hasTwoLines(text)) return FileKind.json;
    const firstParses = isJson(firstLine);
    if (byName === FileKind.json) return firstParses && !isJson(text) ? FileKind.jsonl : FileKind.json;
    return !firstParses && isJson(text) ? FileKind.json : FileKind.jsonl;
  }
  if (byName) return byName;
  if (name.toLowerCase().endsWith('.md')) return FileKind.markdown;
  return FileKind.text;
}

/** Whether more than one line holds something other than whitespace, without splitting the whole text. */
function hasTwoLines(text: string): boolean {
  let found = 0;
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (text.slice(start, end).trim() !== '' && ++found > 1) return true;
    if (nl < 0) return false;
    start = nl + 1;
  }
  return false;
}

function isJson(s: string): boolean {
  if (scanJson(s)) return true;
  const errors: ParseError[] = [];
  parseTree(s, errors, { disallowComments: true });
  return errors.length === 0 && s.trim() !== '';
}

/**
 * Reads a transcript or prompt file of any supported format into the transcript model. Never throws:
 * whatever is wrong becomes a problem at its place, and what can be read is returned.
 */
export function parseTranscript(text: string, fileName: string): Transcript {
  try {
    if (text.includes('\u0000')) {
      return {
        format: TranscriptFormat.unknown,
        conversations: [],
        problems: [problem('file.binary', 'This file looks binary (it holds NUL characters), so it is not read as a transcript.', { start: 0, end: 0 })],
      };
    }
    switch (detectKind(fileName, text)) {
      case FileKind.prompty:
        return parsePromptyFile(text);
      case FileKind.prompt:
        return parsePromptFile(text);
      case FileKind.markdown:
        return fromTurns(TranscriptFormat.markdown, text, parseMarkdownTurns(verbatimText(text, 0)));
      case FileKind.text:
        return fromTurns(TranscriptFormat.text, text, parseTextTurns(verbatimText(text, 0)));
      case FileKind.json:
        return parseJsonFile(text);
      case FileKind.jsonl:
        return parseJsonlFile(text);
    }
  } catch (e) {
    return {
      format: TranscriptFormat.unknown,
      conversations: [],
      problems: [problem('transcript.internal', `This file could not be read: ${e instanceof Error ? e.message : String(e)}`, { start: 0, end: 0 })],
    };
  }
}

function fromTurns(format: TranscriptFormat, text: string, read: TextTurns): Transcript {
  const conversation: Conversation = { index: 0, span: { start: 0, end: text.length }, format, turns: read.turns };
  return { format, conversations: [conversation], problems: read.problems };
}

/**
 * A whole JSON file; syntax errors are problems at their places and the rest of the tree is still
 * read. Strict JSON is read through the fast scanner; anything else (comments, trailing commas,
 * errors) through jsonc-parser.
 */
export function parseJsonFile(text: string): Transcript {
  const root = scanJson(text);
  if (!root) return parseJsonFileWithJsonc(text);
  const reader = new JsonReader(text);
  const conversations = reader.fromRoot(root);
  return { format: formatOf(conversations), conversations, problems: reader.problems };
}

/** {@link parseJsonFile} through jsonc-parser's tree alone, which the fast way must agree with. */
export function parseJsonFileWithJsonc(text: string): Transcript {
  const { root, problems } = jsonTreeWithJsonc(text);
  if (!root) return { format: TranscriptFormat.unknown, conversations: [], problems };
  const reader = new JsonReader(text);
  const conversations = reader.fromRoot(root);
  return { format: formatOf(conversations), conversations, problems: [...problems, ...reader.problems] };
}

/** A whole JSONL file, line by line; conversations are numbered by their line among non-empty lines. */
export function parseJsonlFile(text: string): Transcript {
  const conversations: Conversation[] = [];
  const problems: Problem[] = [];
  let start = 0;
  let index = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? text.length : nl;
    const end = stop > start && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    const line = text.slice(start, end);
    if (!isBlankLine(line)) {
      const read = parseJsonlLine(line, index++, start);
      for (const c of read.conversations) conversations.push(c);
      for (const p of read.problems) problems.push(p);
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  // A Claude Code session is one conversation, whose turns are on lines of their own.
  const joined = joinSession(conversations, text.length);
  return { format: formatOf(joined), conversations: joined, problems };
}

function formatOf(conversations: readonly Conversation[]): TranscriptFormat {
  const first = conversations[0]?.format ?? TranscriptFormat.unknown;
  return conversations.every((c) => c.format === first) ? first : TranscriptFormat.unknown;
}
