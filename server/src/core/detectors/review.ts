/**
 * Reviews: a reviewer who has looked at a flag and judged it fine records so in a note on the turn,
 * `Note: reviewed <rule-id>: <reason>` in text transcripts or `"note": "reviewed <rule-id>: <reason>"`
 * on a JSON message. A note may hold several lines, one review each. The flag is then hidden, and
 * the reason stays in the file; removing the note brings the flag back.
 */

export interface Review {
  /** The detector id the review is about. */
  readonly rule: string;
  readonly reason: string;
  /** Offset of the review's line in the note's text. */
  readonly offset: number;
  /** Length of the review's line. */
  readonly length: number;
}

const reviewLine = /^[ \t]*(?:note:[ \t]*)?reviewed[ \t]+([A-Za-z0-9_.-]+)[ \t]*(?::[ \t]*(.*?))?[ \t]*$/i;

/** The reviews in a note's text, one per line. */
export function parseReview(noteText: string): Review[] {
  const out: Review[] = [];
  let start = 0;
  while (start <= noteText.length) {
    let end = noteText.indexOf('\n', start);
    if (end < 0) end = noteText.length;
    const line = noteText.slice(start, end).replace(/\r$/, '');
    const m = reviewLine.exec(line);
    if (m) {
      const lead = line.length - line.trimStart().length;
      out.push({ rule: m[1], reason: m[2] ?? '', offset: start + lead, length: line.trimEnd().length - lead });
    }
    start = end + 1;
  }
  return out;
}
