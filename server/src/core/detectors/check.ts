/**
 * Running a {@link Ruleset} over transcripts. Each text block of a turn is read once, word start by
 * word start, for the expressions of its role's word index, and once per pass for the others;
 * `opens-with` detectors test the start of the turn; detectors of tool calls read the arguments of
 * the calls of the tools they name. Guards and thresholds are applied only to
 * detectors that matched, which is rare, and a turn of a role no detector reads is not touched.
 */
import type { Severity } from '../problem.ts';
import type { MappedText, Span } from '../text.ts';
import type { Conversation, Transcript, Turn } from '../transcript/model.ts';
import { parseReview } from './review.ts';
import type { CompiledDetector, Pass, RoleMatcher, Ruleset, ToolDetector } from './ruleset.ts';
import { DetectorKind } from './detectorSchema.ts';
import type { CheckOptions, Finding, LearnedEvidence } from './types.ts';
import { LearnedFlag, learnedNote, turnText, type TurnText } from './learnedRule.ts';
import type { CheckScratch, Hit } from './checkScratch.ts';

/** Every finding in every conversation of a transcript, in document order of conversations and turns. */
export function checkTranscript(transcript: Transcript, ruleset: Ruleset, options: CheckOptions = {}): Finding[] {
  return checkConversations(transcript.conversations, ruleset, options);
}

/**
 * Every finding in the conversations, in their order. A turn that several of them share after the
 * same user turn (the context of a preference pair, read once for both sides) is checked once, so
 * that its findings are not reported twice at the same place.
 */
export function checkConversations(conversations: readonly Conversation[], ruleset: Ruleset, options: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  const checked = conversations.length > 1 ? new Map<Turn, Turn | null>() : undefined;
  const scratch = ruleset.takeScratch();
  try {
    for (const c of conversations) checkInto(c, ruleset, options, out, checked, scratch);
  } finally {
    ruleset.giveBackScratch(scratch);
  }
  return out;
}

/** The findings in one conversation. */
export function checkConversation(conversation: Conversation, ruleset: Ruleset, options: CheckOptions = {}): Finding[] {
  return checkConversations([conversation], ruleset, options);
}

/**
 * `checked` holds the turns checked already, each with the user turn before it (`null` for none),
 * so that one lookup tells a turn checked in the same place from one not checked.
 */
function checkInto(conversation: Conversation, ruleset: Ruleset, options: CheckOptions, out: Finding[], checked: Map<Turn, Turn | null> | undefined, scratch: CheckScratch): void {
  let lastUser: Turn | undefined;
  const tools = ruleset.toolDetectors;
  for (const turn of conversation.turns) {
    const matcher = ruleset.matcher(turn.role);
    if ((matcher || tools) && checked?.get(turn) !== (lastUser ?? null)) {
      checkTurn(conversation, turn, lastUser, matcher, tools, options, out, scratch);
      checked?.set(turn, lastUser ?? null);
    }
    if (turn.role === 'user') lastUser = turn;
  }
}

/** Made once: a regular expression literal in a loop makes a new object each time round. */
const nonSpace = /\S/;

function checkTurn(
  conversation: Conversation,
  turn: Turn,
  lastUser: Turn | undefined,
  matcher: RoleMatcher | undefined,
  tools: readonly ToolDetector[] | undefined,
  options: CheckOptions,
  out: Finding[],
  scratch: CheckScratch,
): void {
  const list = matcher ? hitsIn(turn, matcher, scratch) : [];
  if (tools) toolHits(turn, tools, list);
  if (matcher?.learned) learnedHits(turn, lastUser, matcher.learned, options, list);
  if (list.length > 0) findingsOf(list, conversation, turn, lastUser, options, out);
}

/**
 * The hits of learned detectors: each scores the turn's text (its first characters only, as its
 * model says), and a turn at or above the threshold is explained, its strongest span the hit.
 */
function learnedHits(
  turn: Turn,
  lastUser: Turn | undefined,
  detectors: readonly CompiledDetector[],
  options: CheckOptions,
  list: Hit[],
): void {
  // Most turns are one text block, read as it is; several are joined, and only then is anything made.
  const blocks = turn.blocks;
  let only = -1;
  for (let b = 0; b < blocks.length; b++) {
    if (blocks[b].type !== 'text') continue;
    if (only >= 0) {
      only = -2;
      break;
    }
    only = b;
  }
  if (only === -1) return;
  const joined = only === -2 ? turnText(turn) : undefined;
  const text = joined ? joined.text : blocks[only].text.text;
  let user: string | undefined;
  for (const detector of detectors) {
    const learned = detector.learned!;
    const scorer = learned.scorer!;
    if (scorer.model.features.context && user === undefined && lastUser) user = turnText(lastUser)?.text;
    if (effectiveSeverity(detector, options) === 'off') continue;
    const score = scorer.score(text, user);
    if (score < learned.threshold) continue;
    // The guards, which findingsOf applies to every kind, are tried here first, so that a guarded turn is not explained.
    if (detector.unlessSet && anyText(turn, detector.unlessSet)) continue;
    if (detector.unlessUserSet && lastUser && anyText(lastUser, detector.unlessUserSet)) continue;
    const why = scorer.lastSpan(text);
    // The text block the span starts in, and where that block starts in the text scored.
    const part = joined ? partAt(joined, why.start) : undefined;
    const at = part ? part.at : 0;
    const own = part ? part.text : blocks[only].text;
    const start = Math.max(0, why.start - at);
    const end = Math.max(start, Math.min(own.text.length, why.end - at));
    list.push({ detector, text: own, block: part ? part.block : only, start, end, learned: new LearnedFlag(scorer, learned.threshold, score, text, user) });
  }
}

/** A learned detector's finding: its evidence is set on the finding just made, which nothing else holds yet, rather than copied with it. */
function withLearned(f: Finding, learned: LearnedEvidence): Finding {
  (f as { learned?: LearnedEvidence }).learned = learned;
  return f;
}

/** The last of the joined text blocks that starts at or before `offset` of the joined text. */
function partAt(joined: TurnText, offset: number): TurnText['parts'][number] {
  let part = joined.parts[0];
  for (const p of joined.parts) if (p.at <= offset) part = p;
  return part;
}

/**
 * The hits of the detectors of tool calls in the turn's calls of their tools (`tool_call` and
 * `tool_use` blocks, by the tool's name), read in the calls' arguments as written, into `list`.
 */
function toolHits(turn: Turn, tools: readonly ToolDetector[], list: Hit[]): void {
  const blocks = turn.blocks;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b];
    if ((block.type !== 'tool_call' && block.type !== 'tool_use') || block.name === undefined) continue;
    const s = block.text.text;
    for (const t of tools) {
      if (!t.tools.has(block.name) || !t.detector.spec.roles.includes(turn.role)) continue;
      for (const re of t.expressions) {
        if (!re.global) {
          const at = re.exec(s)?.indices?.[1];
          if (at && at[1] > at[0]) list.push({ detector: t.detector, text: block.text, block: b, start: at[0], end: at[1] });
          continue;
        }
        re.lastIndex = 0;
        for (let m = re.exec(s); m !== null; m = re.exec(s)) {
          if (m[0].length === 0) {
            re.lastIndex++;
            continue;
          }
          list.push({ detector: t.detector, text: block.text, block: b, start: m.index, end: m.index + m[0].length });
        }
      }
    }
  }
}

/**
 * Every match of the matcher's expressions in the turn's text blocks: one reading per block, which
 * is where nearly all the time goes. What the matches amount to is {@link findingsOf}'s to say, apart,
 * so that this loop stays small.
 */
function hitsIn(turn: Turn, matcher: RoleMatcher, scratch: CheckScratch): Hit[] {
  const list: Hit[] = [];
  scratch.hits = list;
  const blocks = turn.blocks;
  let opening = -1;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b];
    if (block.type !== 'text') continue;
    const s = block.text.text;
    if (opening < 0 && matcher.openers.length > 0 && nonSpace.test(s)) opening = b;
    scratch.startBlock(block.text, b, matcher.expressions);
    matcher.words?.scan(s, scratch);
    for (const pass of matcher.passes) readPass(pass, s, scratch);
  }
  if (opening >= 0) readOpeners(matcher.openers, blocks[opening].text, opening, list);
  return list;
}

/** The hits of one pass's members over the current block's text `s`. */
function readPass(pass: Pass, s: string, scratch: CheckScratch): void {
  const re = pass.regex;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const at = m.index;
    // The alternation reports its first alternative that matches here; each may match here.
    for (const member of pass.members) {
      if (scratch.from(member.id) > at) continue;
      member.sticky.lastIndex = at;
      const o = member.sticky.exec(s);
      if (o === null || o[0].length === 0) continue;
      scratch.matched(member.id, member.detector, at, at + o[0].length);
    }
    re.lastIndex = at + 1;
  }
}

/** The hits of `opens-with` detectors at the start of the first text block that is not blank. */
function readOpeners(openers: RoleMatcher['openers'], first: MappedText, block: number, hits: Hit[]): void {
  for (const { detector, regex } of openers) {
    const m = regex.exec(first.text);
    const at = m?.indices?.[1];
    if (at && at[1] > at[0]) hits.push({ detector, text: first, block, start: at[0], end: at[1] });
  }
}

/**
 * The findings that a turn's hits make, into `out`: per detector, unless its severity is off or a
 * guard holds, its hits that do not overlap, counted where it is a caveat density; marked where a
 * note on the turn says they were reviewed.
 */
function findingsOf(
  list: Hit[],
  conversation: Conversation,
  turn: Turn,
  lastUser: Turn | undefined,
  options: CheckOptions,
  out: Finding[],
): void {
  // By detector, then in text order, a longer match first where two start at the same place.
  list.sort((a, b) => a.detector.index - b.detector.index || a.block - b.block || a.start - b.start || b.end - a.end);

  const found: Finding[] = [];
  for (let i = 0; i < list.length; ) {
    const detector = list[i].detector;
    let j = i + 1;
    while (j < list.length && list[j].detector === detector) j++;
    const mine = list.slice(i, j);
    i = j;
    const severity = effectiveSeverity(detector, options);
    if (severity === 'off') continue;
    if (detector.unlessSet && anyText(turn, detector.unlessSet)) continue;
    if (detector.unlessUserSet && lastUser && anyText(lastUser, detector.unlessUserSet)) continue;
    const kept = nonOverlapping(mine);
    let note = '';
    const learned = kept[0].learned;
    if (learned) note = learnedNote(learned);
    if (detector.spec.kind === DetectorKind.caveatDensity) {
      if (kept.length < detector.spec.min) continue;
      if (detector.spec.ratio !== undefined) {
        let sentences = 0;
        for (const b of turn.blocks) if (b.type === 'text') sentences += sentenceCount(b.text.text);
        if (kept.length / Math.max(1, sentences) < detector.spec.ratio) continue;
      }
      note = ` (${kept.length} in this turn)`;
    }
    for (const h of kept) {
      const f: Finding = {
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
        message: `${detector.messageStart}${note}: "${seen(h.text.text.slice(h.start, h.end))}". ${detector.messageEnd}`,
      };
      found.push(learned ? withLearned(f, learned) : f);
    }
  }
  if (found.length === 0) return;
  // Stable: findings at the same span stay in the order of their detectors.
  found.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const reviews = turn.notes.length ? reviewsOf(turn) : undefined;
  for (const f of found) {
    const r = reviews?.get(f.rule);
    out.push(r ? { ...f, reviewed: r } : f);
  }
}

/** Whether a text block of the turn contains one of the phrases. */
function anyText(turn: Turn, phrases: { test(text: string): boolean }): boolean {
  for (const b of turn.blocks) if (b.type === 'text' && phrases.test(b.text.text)) return true;
  return false;
}

function effectiveSeverity(detector: CompiledDetector, options: CheckOptions): Severity | 'off' {
  return options.severityOverrides?.[detector.spec.id] ?? detector.severity;
}

/** One detector's hits (in text order, longer first at a place) without any that starts inside the one kept before it. */
function nonOverlapping(list: Hit[]): Hit[] {
  if (list.length === 1) return list;
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
