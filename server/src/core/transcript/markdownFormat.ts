import type { MappedText } from '../text.ts';
import { noteLabel, readNote, splitLines, TurnBuilder, type TextTurns } from './textFormat.ts';

const heading = /^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const roleHeading = /^(user|human|assistant|system|developer|tool)$/i;
const fence = /^[ ]{0,3}(`{3,}|~{3,})/;

/**
 * Reads a Markdown transcript: a heading of any level whose text is just a role (`## User`,
 * `### assistant`) starts a turn, and the lines under it are the turn's text. A heading that names
 * no role, at the turn heading's level or above, ends the turn (a title or a section of commentary);
 * a deeper one is part of the turn. `Note:` lines annotate the turn as in text transcripts, with
 * indented continuation lines. Lines inside fenced code blocks are always text.
 */
export function parseMarkdownTurns(text: MappedText): TextTurns {
  const builder = new TurnBuilder(text);
  const s = text.text;
  const lines = splitLines(s);
  let turnLevel = 0;
  let inFence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const { start, end } = lines[i];
    const line = s.slice(start, end);
    const f = fence.exec(line);
    if (inFence !== undefined) {
      if (f && f[1][0] === inFence[0] && f[1].length >= inFence.length && line.trim() === f[1]) inFence = undefined;
      builder.addText(start, end);
      continue;
    }
    if (f) {
      inFence = f[1];
      builder.addText(start, end);
      continue;
    }
    const h = heading.exec(line);
    if (h) {
      const level = h[1].length;
      if (roleHeading.test(h[2])) {
        const labelStart = start + line.indexOf(h[2], level);
        builder.startTurn(h[2], labelStart, labelStart + h[2].length, start);
        turnLevel = level;
        continue;
      }
      if (!builder.inTurn || level <= turnLevel) {
        builder.finish();
        continue;
      }
    }
    if (noteLabel.test(line)) {
      i = readNote(builder, s, lines, i);
      continue;
    }
    builder.addText(start, end);
  }
  builder.finish();
  return { turns: builder.turns, problems: builder.problems };
}
