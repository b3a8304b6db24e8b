/**
 * The transcript model: conversations of turns, with notes and citations, each with its exact place
 * in the source file, whatever format the file is in (text, Markdown, JSON of several shapes, JSONL).
 */
import type { Problem } from '../problem.ts';
import type { MappedText, Span } from '../text.ts';

export const Role = {
  system: 'system',
  developer: 'developer',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const TranscriptFormat = {
  text: 'text',
  markdown: 'markdown',
  anthropic: 'anthropic',
  openai: 'openai',
  sharegpt: 'sharegpt',
  hhPair: 'hh-pair',
  labelled: 'labelled',
  prompt: 'prompt',
  prompty: 'prompty',
  inspect: 'inspect',
  petri: 'petri',
  openaiResponses: 'openai-responses',
  chatgptExport: 'chatgpt-export',
  claudeExport: 'claude-export',
  gemini: 'gemini',
  oasst: 'oasst',
  tauBench: 'tau-bench',
  docent: 'docent',
  promptfoo: 'promptfoo',
  openaiEvals: 'openai-evals',
  claudeCode: 'claude-code',
  unknown: 'unknown',
} as const;
export type TranscriptFormat = (typeof TranscriptFormat)[keyof typeof TranscriptFormat];

/** `[[id]]` or `[[name#id]]`. */
export interface Citation {
  readonly id: string;
  /** The constitution name before `#`, when given. */
  readonly constitution?: string;
  /** The whole `[[...]]`. */
  readonly span: Span;
  /** Just the id. */
  readonly idSpan: Span;
}

/** An annotation of a turn: a `Note:` line, or a `note` string on a JSON message. */
export interface Note {
  readonly text: MappedText;
  readonly span: Span;
  readonly citations: readonly Citation[];
}

export interface ContentBlock {
  /**
   * `text`, `tool_use`, `tool_result`, `tool_call`, `thinking`, `reasoning`, `image`, ... as the
   * source names it. Detectors read `text` blocks (and `tool_call` blocks of the tools they name).
   */
  readonly type: string;
  /** The block's readable text; for tool calls, the arguments as written. Empty for images. */
  readonly text: MappedText;
  readonly span: Span;
  /** Tool name for tool calls and uses. */
  readonly name?: string;
}

export interface Turn {
  /** 0-based index within the conversation. */
  readonly index: number;
  readonly role: Role;
  /** The role as written (`Human`, `gpt`, `model`, ...). */
  readonly roleLabel: string;
  /** Where the role is written (`Assistant:`, `"role": "assistant"`), if anywhere. */
  readonly roleSpan?: Span;
  /** The whole turn in the source. */
  readonly span: Span;
  /** The content blocks; a plain-string content is one `text` block. */
  readonly blocks: readonly ContentBlock[];
  readonly notes: readonly Note[];
}

/** The text blocks of a turn, which are what detectors read. */
export function textBlocks(turn: Turn): ContentBlock[] {
  return turn.blocks.filter((b) => b.type === 'text');
}

/** A turn's readable text, blocks joined by blank lines. Offsets into it do not map to the source. */
export function turnText(turn: Turn): string {
  return textBlocks(turn)
    .map((b) => b.text.text)
    .join('\n\n');
}

export interface Conversation {
  /** 0-based index in file order; for JSONL, the index among non-empty lines. */
  readonly index: number;
  readonly span: Span;
  readonly format: TranscriptFormat;
  readonly turns: readonly Turn[];
  /** The record's own id, when it has one (for an Inspect sample, `<id> epoch <n>`). */
  readonly id?: string;
  /** The conversation's title, where the file gives one (chat exports). */
  readonly title?: string;
  /** What a judge said of the conversation (an auditing transcript's judge output), shown in its hover. */
  readonly judge?: string;
  /** For preference pairs: which side this conversation is. */
  readonly side?: 'chosen' | 'rejected';
  /** For labelled records: the turn under judgement and its label. */
  readonly targetTurn?: number;
  readonly label?: string;
  readonly principleHint?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface Transcript {
  readonly format: TranscriptFormat;
  readonly conversations: readonly Conversation[];
  readonly problems: readonly Problem[];
}
