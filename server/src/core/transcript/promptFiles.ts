import { parseYamlLocated, plain } from '../located.ts';
import { problem, type Problem } from '../problem.ts';
import { verbatimText } from '../text.ts';
import { TranscriptFormat, type Conversation, type Transcript } from './model.ts';
import { noteLabel, readNote, splitLines, TurnBuilder } from './textFormat.ts';

interface FrontMatter {
  /** Where the body starts. */
  readonly bodyStart: number;
  readonly meta?: Record<string, unknown>;
  readonly problems: Problem[];
}

/**
 * YAML front matter between a first line `---` and a closing `---` (or `...`) line. An unclosed
 * block is a problem and the whole file is read as the body.
 */
export function readFrontMatter(text: string): FrontMatter {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return { bodyStart: 0, problems: [] };
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;
  const rest = text.slice(open[0].length);
  const m = close.exec(rest);
  if (!m) {
    return {
      bodyStart: 0,
      problems: [problem('prompt.front-matter', 'The front matter is not closed by a `---` line.', { start: 0, end: 3 })],
    };
  }
  const yamlStart = open[0].length;
  const yaml = parseYamlLocated(rest.slice(0, m.index), yamlStart);
  const value = plain(yaml.value);
  const meta = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  return { bodyStart: yamlStart + m.index + m[0].length, problems: yaml.problems, ...(meta ? { meta } : {}) };
}

/**
 * A `*.prompt.md` or `*.prompt.txt` file: after optional front matter, the whole file is one system
 * prompt, a single `system` turn whose text is the body without its surrounding blank lines.
 * `Note:` lines annotate the prompt, as in text transcripts, and are not part of its text.
 */
export function parsePromptFile(text: string): Transcript {
  const front = readFrontMatter(text);
  const builder = new TurnBuilder(verbatimText(text, 0));
  const body = text.slice(front.bodyStart);
  const first = front.bodyStart + (body.length - body.trimStart().length);
  builder.startTurn('system', first, first);
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const { start, end } = lines[i];
    if (start < front.bodyStart) continue;
    if (noteLabel.test(text.slice(start, end))) i = readNote(builder, text, lines, i);
    else builder.addText(start, end);
  }
  builder.finish();
  return conversationOf(TranscriptFormat.prompt, text, builder.turns, front);
}

const promptySection = /^[ \t]*(system|user|assistant|developer|tool):[ \t]*$/i;

/**
 * A Prompty file: YAML front matter, then a body of sections each opened by a line that holds just
 * a role and a colon (`system:`, `user:`, `assistant:`). Text before the first section is a system
 * prompt, as Prompty reads it. `Note:` lines annotate the section they stand in.
 */
export function parsePromptyFile(text: string): Transcript {
  const front = readFrontMatter(text);
  const builder = new TurnBuilder(verbatimText(text, 0));
  const lines = splitLines(text);
  let started = false;
  for (let i = 0; i < lines.length; i++) {
    const { start, end } = lines[i];
    if (start < front.bodyStart) continue;
    const line = text.slice(start, end);
    if (started && noteLabel.test(line)) {
      i = readNote(builder, text, lines, i);
      continue;
    }
    const m = promptySection.exec(line);
    if (m) {
      const labelStart = start + line.indexOf(m[1]);
      builder.startTurn(m[1], labelStart, labelStart + m[1].length + 1);
      started = true;
      continue;
    }
    if (!started && line.trim() !== '') {
      builder.startTurn('system', start, start);
      started = true;
    }
    builder.addText(start, end);
  }
  builder.finish();
  return conversationOf(TranscriptFormat.prompty, text, builder.turns, front);
}

function conversationOf(format: TranscriptFormat, text: string, turns: Conversation['turns'], front: FrontMatter): Transcript {
  const conversation: Conversation = { index: 0, span: { start: 0, end: text.length }, format, turns, ...(front.meta ? { meta: front.meta } : {}) };
  return { format, conversations: [conversation], problems: front.problems };
}
