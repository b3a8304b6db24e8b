/**
 * Running a {@link Ruleset} over transcripts. Each text block of a turn is scanned once per pass of
 * its role (one combined expression per flag set), `opens-with` detectors test the start of the
 * turn, and guards and thresholds are applied only to detectors that matched, which is rare.
 */
import type { Severity } from '../problem.ts';
import type { MappedText, Span } from '../text.ts';
import { textBlocks, type Conversation, type Transcript, type Turn } from '../transcript/model.ts';
import { parseReview } from './review.ts';
import type { CompiledDetector, Ruleset, WordIndex, WordProbe } from './ruleset.ts';
import { DetectorKind } from './schema.ts';
import type { CheckOptions, Finding } from './types.ts';

interface Hit {
  readonly detector: CompiledDetector;
  readonly text: MappedText;
  /** Index of the text block, to order hits. */
  readonly block: number;
  readonly start: number;
  readonly end: number;
}

/** Every finding in every conversation of a transcript, in document order of conversations and turns. */
export function checkTranscript(transcript: Transcript, ruleset: Ruleset, options: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const c of transcript.conversations) checkInto(c, ruleset, options, out);
  return out;
}

/** The findings in one conversation. */
export function checkConversation(conversation: Conversation, ruleset: Ruleset, options: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  checkInto(conversation, ruleset, options, out);
  return out;
}

function checkInto(conversation: Conversation, ruleset: Ruleset, options: CheckOptions, out: Finding[]): void {
  let lastUser: Turn | undefined;
  for (const turn of conversation.turns) {
    if (ruleset.matcher(turn.role)) checkTurn(conversation, turn, lastUser, ruleset, options, out);
    if (turn.role === 'user') lastUser = turn;
  }
}

function checkTurn(
  conversation: Conversation,
  turn: Turn,
  lastUser: Turn | undefined,
  ruleset: Ruleset,
  options: CheckOptions,
  out: Finding[],
): void {
  const matcher = ruleset.matcher(turn.role);
  if (!matcher) return;
  const blocks = textBlocks(turn).map((b) => b.text);
  const hits: Hit[] = [];
  if (matcher.words) {
    for (let b = 0; b < blocks.length; b++) probeWords(matcher.words, blocks[b], b, hits);
  }
  for (const pass of matcher.passes) {
    const re = pass.regex;
    const members = pass.members;
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b];
      const s = block.text;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) {
        const start = m.index;
        const end = start + m[0].length;
        if (end === start) {
          re.lastIndex = start + 1;
          continue;
        }
        let winner = 0;
        while (winner < members.length - 1 && m[members[winner].group] === undefined) winner++;
        const detector = members[winner].detector;
        hits.push({ detector, text: block, block: b, start, end });
        // An alternation reports only its first matching alternative; the others may match here too.
        if (members.length > 1) {
          for (const other of members) {
            if (other.detector === detector) continue;
            for (const sticky of other.detector.sticky) {
              sticky.lastIndex = start;
              const o = sticky.exec(s);
              if (o && o[0].length > 0) {
                hits.push({ detector: other.detector, text: block, block: b, start, end: start + o[0].length });
                break;
              }
            }
          }
        }
        re.lastIndex = end;
      }
    }
  }
  if (matcher.openers.length) {
    const firstIndex = blocks.findIndex((b) => b.text.trim() !== '');
    const first = blocks[firstIndex];
    if (first) {
      for (const { detector, regex } of matcher.openers) {
        const m = regex.exec(first.text);
        const at = m?.indices?.[1];
        if (at && at[1] > at[0]) hits.push({ detector, text: first, block: firstIndex, start: at[0], end: at[1] });
      }
    }
  }
  if (hits.length === 0) return;

  const byDetector = new Map<CompiledDetector, Hit[]>();
  for (const h of hits) {
    const list = byDetector.get(h.detector);
    if (list) list.push(h);
    else byDetector.set(h.detector, [h]);
  }
  const found: Finding[] = [];
  for (const [detector, list] of byDetector) {
    const severity = effectiveSeverity(detector, options);
    if (severity === 'off') continue;
    if (detector.unless && blocks.some((b) => detector.unless!.test(b.text))) continue;
    if (detector.unlessUser && lastUser && textBlocks(lastUser).some((b) => detector.unlessUser!.test(b.text.text))) continue;
    const kept = nonOverlapping(list);
    let note = '';
    if (detector.spec.kind === DetectorKind.caveatDensity) {
      if (kept.length < detector.spec.min) continue;
      if (detector.spec.ratio !== undefined) {
        const sentences = blocks.reduce((n, b) => n + sentenceCount(b.text), 0);
        if (kept.length / Math.max(1, sentences) < detector.spec.ratio) continue;
      }
      note = ` (${kept.length} in this turn)`;
    }
    for (const h of kept) {
      found.push({
        span: { start: h.text.toSource(h.start), end: h.text.toSource(h.end) },
        conversation: conversation.index,
        turn: turn.index,
        role: turn.role,
        principle: detector.clause.id,
        constitution: detector.constitution.name,
        constitutionUri: detector.uri,
        rule: detector.spec.id,
        code: detector.spec.id,
        severity,
        message: `${detector.spec.message}${note}: "${seen(h.text.text.slice(h.start, h.end))}". May conflict with "${detector.clause.title}" (${detector.clause.id}).`,
      });
    }
  }
  if (found.length === 0) return;
  found.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const reviews = turn.notes.length ? reviewsOf(turn) : undefined;
  for (const f of found) {
    const r = reviews?.get(f.rule);
    out.push(r ? { ...f, reviewed: r } : f);
  }
}

/** Reads a text once, trying at each word start the probes filed under its first letters. */
function probeWords(words: WordIndex, block: MappedText, b: number, hits: Hit[]): void {
  const s = block.text;
  const n = s.length;
  let prevWord = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 32;
    const letter = lower >= 97 && lower <= 122;
    const wasWord = prevWord;
    prevWord = letter || (c >= 48 && c <= 57) || c === 95;
    if (!letter || wasWord) continue;
    const single = words[lower * 128];
    if (single) probe(single, block, b, i, hits);
    const next = s.charCodeAt(i + 1) | 32;
    if (next >= 97 && next <= 122) {
      const pair = words[lower * 128 + next];
      if (pair) probe(pair, block, b, i, hits);
    }
  }
}

function probe(probes: readonly WordProbe[], block: MappedText, b: number, at: number, hits: Hit[]): void {
  for (const { detector, regex } of probes) {
    regex.lastIndex = at;
    const m = regex.exec(block.text);
    if (m && m[0].length > 0) hits.push({ detector, text: block, block: b, start: at, end: at + m[0].length });
  }
}

function effectiveSeverity(detector: CompiledDetector, options: CheckOptions): Severity | 'off' {
  return options.severityOverrides?.[detector.spec.id] ?? detector.severity;
}

/** One detector's hits in text order, without any that starts inside the one before it. */
function nonOverlapping(list: Hit[]): Hit[] {
  if (list.length === 1) return list;
  list.sort((a, b) => a.block - b.block || a.start - b.start);
  const out: Hit[] = [];
  for (const h of list) {
    const prev = out[out.length - 1];
    if (prev && prev.block === h.block && h.start < prev.end) continue;
    out.push(h);
  }
  return out;
}

function reviewsOf(turn: Turn): Map<string, { reason: string; noteSpan: Span }> {
  const map = new Map<string, { reason: string; noteSpan: Span }>();
  for (const note of turn.notes) {
    for (const r of parseReview(note.text.text)) {
      if (!map.has(r.rule)) {
        map.set(r.rule, { reason: r.reason, noteSpan: { start: note.text.toSource(r.offset), end: note.text.toSource(r.offset + r.length) } });
      }
    }
  }
  return map;
}

function sentenceCount(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(/[^.!?\n]*[A-Za-z][^.!?\n]*(?:[.!?]+|\n|$)/g)) n++;
  return n;
}

function seen(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
