import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { readModelFiles } from '../../server/src/modelFiles.ts';
import { checkTranscript, compileRuleset, DetectorKind, type CompiledDetector, type Finding, type Ruleset } from '../../server/src/core/detectors/index.ts';
import { phraseSource, phrasesSource } from '../../server/src/core/detectors/phrases.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { Conversation, Turn } from '../../server/src/core/transcript/model.ts';
import { readCorpus, testEachCorpusFile } from '../support/corpus.ts';
import { constitutionText, ruleset as compile } from './helpers.ts';

/*
 * The checker's word index, joined passes and lazy guards against the plainest reading of the
 * schema: every expression of every detector run alone, as a global expression, over every text
 * block of every turn of its roles; one detector's matches kept in text order (the longer first
 * where two start at the same place) without any that starts inside the one kept before it; the
 * guards' phrases tried one by one.
 */

const openingPrefix = `^[\\s#>*_\\-"'\u201c\u201d\u2018\u2019\`]*`;

interface Match {
  readonly block: number;
  readonly start: number;
  readonly end: number;
}

function allMatches(re: RegExp, text: string, block: number, out: Match[]): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex = m.index + 1;
      continue;
    }
    out.push({ block, start: m.index, end: m.index + m[0].length });
  }
}

function containsPhrase(turn: Turn, phrases: readonly { text: string }[]): boolean {
  return phrases.some((p) => turn.blocks.some((b) => b.type === 'text' && new RegExp(phraseSource(p.text), 'i').test(b.text.text)));
}

function referenceTurn(d: CompiledDetector, conversation: Conversation, turn: Turn, lastUser: Turn | undefined): string[] {
  const spec = d.spec;
  const matches: Match[] = [];
  const blocks = turn.blocks.map((b, i) => ({ b, i })).filter(({ b }) => b.type === 'text');
  if (spec.kind === DetectorKind.opensWith) {
    const first = blocks.find(({ b }) => /\S/.test(b.text.text));
    const at = first && new RegExp(`${openingPrefix}(${phrasesSource(spec.phrases.map((p) => p.text))})`, 'id').exec(first.b.text.text)?.indices?.[1];
    if (first && at && at[1] > at[0]) matches.push({ block: first.i, start: at[0], end: at[1] });
  } else {
    const expressions =
      spec.kind === DetectorKind.regex
        ? spec.patterns.map((p) => new RegExp(p.text, spec.flags.replace('d', '') + 'g'))
        : spec.phrases.map((p) => new RegExp(phraseSource(p.text), 'gi'));
    for (const re of expressions) for (const { b, i } of blocks) allMatches(re, b.text.text, i, matches);
  }
  if (matches.length === 0 || d.severity === 'off') return [];
  if (spec.unless.length && containsPhrase(turn, spec.unless)) return [];
  if (spec.unlessUser.length && lastUser && containsPhrase(lastUser, spec.unlessUser)) return [];
  if (lastUser && spec.unlessUserPatterns.some((p) => lastUser.blocks.some((b) => b.type === 'text' && new RegExp(p.text, 'i').test(b.text.text)))) return [];
  matches.sort((a, b) => a.block - b.block || a.start - b.start || b.end - a.end);
  const kept: Match[] = [];
  for (const m of matches) {
    const prev = kept[kept.length - 1];
    if (prev && prev.block === m.block && m.start < prev.end) continue;
    kept.push(m);
  }
  if (spec.kind === DetectorKind.caveatDensity) {
    if (kept.length < spec.min) return [];
    const sentences = blocks.reduce((n, { b }) => n + [...b.text.text.matchAll(/[^.!?\n]*[A-Za-z][^.!?\n]*(?:[.!?]+|\n|$)/g)].length, 0);
    if (spec.ratio !== undefined && kept.length / Math.max(1, sentences) < spec.ratio) return [];
  }
  return kept.map((m) => {
    const text = turn.blocks[m.block].text;
    return `${conversation.index}/${turn.index} ${spec.id} ${text.toSource(m.start)}-${text.toSource(m.end)}`;
  });
}

/** Findings at one place are one finding, though two conversations hold the place (a preference pair's context). */
function reference(rs: Ruleset, conversations: readonly Conversation[]): string[] {
  const out: string[] = [];
  for (const c of conversations) {
    let lastUser: Turn | undefined;
    for (const turn of c.turns) {
      for (const d of rs.detectors) if (d.spec.roles.includes(turn.role)) out.push(...referenceTurn(d, c, turn, lastUser));
      if (turn.role === 'user') lastUser = turn;
    }
  }
  return [...new Set(out)].sort();
}

const keys = (findings: readonly Finding[]) => findings.map((f) => `${f.conversation}/${f.turn} ${f.rule} ${f.span.start}-${f.span.end}`).sort();

const starterPath = 'constitutions/starter.constitution.md';
const starterConstitution = parseConstitution(readFileSync(starterPath, 'utf8'), 'starter.constitution.md');
// With its learned detectors' models, so that it compiles as shipped; their findings are held to their own reference in test/learned.
const starter = compileRuleset([{ uri: starterPath, constitution: starterConstitution, models: readModelFiles(starterPath, starterConstitution) }]);
const learned = new Set(starter.detectors.filter((d) => d.spec.kind === DetectorKind.learned).map((d) => d.spec.id));

/**
 * Detectors that take the checker's other paths: joined passes, `u` flags, one-letter words, ties at
 * a place, guards on common words, first words settled whole or only in part.
 */
const awkward = compile(
  constitutionText(`- id: words
  kind: phrases
  message: Common words
  phrases: [I, I am, I'm, you, the, the best, it is, a]
  unless: [zebra]
- id: endings
  kind: regex
  message: Adverbs
  pattern: ['\\w+ly\\b', 'it(?:''s| is)?\\s+\\w+']
- id: unicode
  kind: regex
  message: Articles
  flags: iu
  pattern: '\\b(?:a|an|the)\\s+\\w+'
- id: starts
  kind: regex
  message: Th words
  flags: ''
  pattern: ['\\bth\\w*', '(?<=\\.\\s)[A-Z]\\w+', '\\bI\\b', '\\b(\\w)\\1\\w*']
- id: whole-words
  kind: regex
  message: Words settled whole, or only in part
  pattern: ['\\b(?:when I was|my (?:wife|kids)\\b)', '\\bso+\\b', '\\bhonest(?:ly)?\\b', '\\bwould', '\\b(?:this|that)\\s+is\\b', '\\bcaf\\b', '\\bdon[''’]t\\b', 'it\\d', '\\byou(?:\\s+|,)(?:may|can)\\b', '\\bI\\s+(?:really\\s+)?(?:think|hope)\\b']
- id: guarded
  kind: regex
  message: Guarded
  unless-user: [what, how, 100%]
  pattern: '\\b(?:can|could|would)\\s+(?:be|have)\\b'`),
);

testEachCorpusFile(
  'dev',
  (f) => /\.jsonl?$/.test(f),
  (name) => `the checker finds what the plain reference finds in ${name}`,
  (file) => {
    const transcript = parseTranscript(readCorpus(file), basename(file));
    for (const rs of [starter, awkward]) {
      assert.deepEqual(rs.problems, []);
      const expected = reference(rs, transcript.conversations);
      assert.ok(expected.length > 0);
      assert.deepEqual(keys(checkTranscript(transcript, rs).filter((f) => !learned.has(f.rule))), expected);
    }
  },
);
