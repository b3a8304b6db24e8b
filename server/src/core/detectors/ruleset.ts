/**
 * Compilation of the detectors of a set of constitutions into a {@link Ruleset}, so that a turn's
 * text is read in few passes rather than one per detector. Per role, every phrase and every
 * alternative of a pattern that must start at a known word (`\bI\s+can't`, `(?:this|that)\b`) is
 * filed in a {@link WordIndex} by its first letter and the character after it, and the text is read
 * once, trying only the expressions filed under each word start. The others join one expression of
 * alternatives per flag set, and where it matches, each of its expressions is tried there alone.
 * (Measured on the dev corpus, one joined expression of all alternatives runs no faster than
 * separate ones in V8, which cannot skip ahead through an alternation the way it does through a
 * single literal; the word index is an order of magnitude faster than either.)
 *
 * Every expression finds what it would find alone as a global expression: its leftmost match, then
 * the next one from the end of that one.
 */
import type { Clause, Constitution } from '../constitution/model.ts';
import type { Severity } from '../problem.ts';
import type { Role } from '../transcript/model.ts';
import { PhraseSet } from './phraseSet.ts';
import { phraseSource, phrasesSource } from './phrases.ts';
import { DetectorKind, readDetectors, type DetectorSpec } from './detectorSchema.ts';
import type { LoadedConstitution, RulesetProblem } from './types.ts';
import { problem } from '../problem.ts';
import type { WordKey } from './firstWords.ts';
import { WordIndex as ProbeIndex, type WordProbe as Probe } from './wordIndex.ts';
import { compileLearned, type LearnedCompiled } from './learnedRule.ts';
import { CheckScratch } from './checkScratch.ts';

/** A detector ready to run, with the clause and constitution it belongs to. */
export interface CompiledDetector {
  readonly spec: DetectorSpec;
  /** The constitution's uri. */
  readonly uri: string;
  /** The file the detector is written in: the constitution's, or a rule pack's. */
  readonly sourceUri: string;
  readonly constitution: Constitution;
  readonly clause: Clause;
  /** Severity before settings: the detector's, else the clause's, else from the order of priority. */
  readonly severity: Severity | 'off';
  /** Each of the detector's own expressions, sticky, to test it alone at one place. */
  readonly sticky: readonly RegExp[];
  /** Guards: a turn (or the preceding user turn) that matches these is not flagged. */
  readonly unless?: RegExp;
  readonly unlessUser?: RegExp;
  /** The same guards, tried word start by word start. */
  readonly unlessSet?: PhraseSet;
  readonly unlessUserSet?: PhraseSet;
  /** Place in {@link Ruleset.detectors}, which orders findings at the same span. */
  readonly index: number;
  /** How each of its findings' messages begins (its message without the closing punctuation) and ends (the clause it may conflict with). */
  readonly messageStart: string;
  readonly messageEnd: string;
  /** A `learned` detector's scorer and threshold. */
  readonly learned?: LearnedCompiled;
}

/** One alternative of a combined expression: which detector, and the expression alone, sticky. */
export interface PassMember {
  readonly detector: CompiledDetector;
  /** Number of the expression among its matcher's expressions. */
  readonly id: number;
  readonly sticky: RegExp;
}

/** One scan over a text: a global expression and the detectors whose alternatives it holds. */
export interface Pass {
  readonly regex: RegExp;
  readonly members: readonly PassMember[];
}

/** An expression tried, sticky, at a word start. */
export type WordProbe = Probe<CompiledDetector>;

/** Expressions filed under the word starts their matches begin with. */
export type WordIndex = ProbeIndex<CompiledDetector>;

/** What runs over the turns of one role. */
export interface RoleMatcher {
  /** Detectors whose matches start at known words, tried only at those words in one reading of the text. */
  readonly words: WordIndex | undefined;
  /** The rest, joined into as few expressions as their flags allow. */
  readonly passes: readonly Pass[];
  /** `opens-with` detectors, each an expression anchored at the start of the turn. */
  readonly openers: readonly { readonly detector: CompiledDetector; readonly regex: RegExp }[];
  /** How many expressions `words` and `passes` hold; they are numbered from 0. */
  readonly expressions: number;
  /** `learned` detectors, each scoring the whole turn; `undefined` where the role has none. */
  readonly learned: readonly CompiledDetector[] | undefined;
}

/** Leading whitespace and Markdown punctuation that an `opens-with` phrase may follow. */
const openingPrefix = `^[\\s#>*_\\-"'\u201c\u201d\u2018\u2019\`]*`;

interface Unit {
  readonly id: number;
  readonly detector: CompiledDetector;
  readonly source: string;
  readonly flags: string;
  /** Expressions with back-references or named groups keep their own pass, since joining would renumber them. */
  readonly isolated: boolean;
}

/** The compiled detectors of a set of constitutions, with the problems found in their declarations. */
export class Ruleset {
  readonly problems: RulesetProblem[];
  readonly detectors: readonly CompiledDetector[];
  /**
   * Detectors that read the calls of named tools rather than text, each with its expressions as
   * global ones; `undefined` where there are none, so that checking a turn looks no further.
   */
  readonly toolDetectors: readonly ToolDetector[] | undefined;
  readonly #matchers: ReadonlyMap<Role, RoleMatcher>;
  /** The most expressions any role's matcher holds: what a check's scratch space is made for. */
  readonly #expressions: number;
  /** A check's scratch space kept for the next check, so that checking line after line makes none. */
  #spare: CheckScratch | undefined;

  constructor(problems: RulesetProblem[], detectors: CompiledDetector[], matchers: Map<Role, RoleMatcher>) {
    this.problems = problems;
    this.detectors = detectors;
    this.#matchers = matchers;
    const tools = detectors.filter((d) => d.spec.tools.length > 0).map(toolDetector);
    this.toolDetectors = tools.length > 0 ? tools : undefined;
    this.#expressions = Math.max(0, ...[...matchers.values()].map((m) => m.expressions));
  }

  /**
   * Scratch space for a check with this ruleset, the check's own until it gives it back: the one
   * kept, or a new one while another check holds it (a check started inside another).
   */
  takeScratch(): CheckScratch {
    const scratch = this.#spare ?? new CheckScratch(this.#expressions);
    this.#spare = undefined;
    return scratch;
  }

  /** Hands back what {@link takeScratch} lent, for the next check. */
  giveBackScratch(scratch: CheckScratch): void {
    this.#spare = scratch;
  }

  /** What to run over a turn of this role; undefined when no detector reads the role. */
  matcher(role: Role): RoleMatcher | undefined {
    return this.#matchers.get(role);
  }
}

/** A detector of tool calls: the tools it reads, and its expressions to run over a call's arguments. */
export interface ToolDetector {
  readonly detector: CompiledDetector;
  readonly tools: ReadonlySet<string>;
  readonly expressions: readonly RegExp[];
}

function toolDetector(d: CompiledDetector): ToolDetector {
  const { spec } = d;
  const expressions =
    spec.kind === DetectorKind.opensWith
      ? [new RegExp(`${openingPrefix}(${phrasesSource(spec.phrases.map((p) => p.text))})`, 'id')]
      : spec.kind === DetectorKind.regex
        ? spec.patterns.map((p) => new RegExp(p.text, spec.flags.replace('d', '') + 'g'))
        : spec.phrases.map((p) => new RegExp(phraseSource(p.text), 'ig'));
  return { detector: d, tools: new Set(spec.tools), expressions };
}

/** Compiles every constitution's detectors; bad declarations become problems and the rest still run. */
export function compileRuleset(constitutions: readonly LoadedConstitution[]): Ruleset {
  const problems: RulesetProblem[] = [];
  const detectors: CompiledDetector[] = [];
  for (const { uri, constitution, models } of constitutions) {
    const seen = new Map<string, DetectorSpec>();
    for (const clause of constitution.clauses) {
      for (const source of clause.rules) {
        const read = readDetectors(source);
        const at = source.uri ?? uri;
        for (const p of read.problems) problems.push({ uri: at, problem: p });
        for (const spec of read.detectors) {
          const earlier = seen.get(spec.id);
          if (earlier) {
            problems.push({ uri: at, problem: problem('rule.duplicate-id', `Detector id "${spec.id}" is already used in this constitution.`, spec.idSpan, 'warning') });
          }
          seen.set(spec.id, spec);
          if (spec.kind === DetectorKind.learned) {
            // A learned detector whose model cannot be read is a problem at the rule and does not run.
            const learned = compileLearned(spec, models);
            for (const p of learned.problems) problems.push({ uri: at, problem: p });
            if (!learned.scorer) continue;
            detectors.push({ ...compileDetector(spec, uri, at, constitution, clause, detectors.length), learned });
            continue;
          }
          detectors.push(compileDetector(spec, uri, at, constitution, clause, detectors.length));
        }
      }
    }
  }
  return new Ruleset(problems, detectors, buildMatchers(detectors));
}

function compileDetector(spec: DetectorSpec, uri: string, sourceUri: string, constitution: Constitution, clause: Clause, index: number): CompiledDetector {
  const sources =
    spec.kind === DetectorKind.regex ? spec.patterns.map((p) => p.text) : spec.kind === DetectorKind.learned ? [] : [phrasesSource(spec.phrases.map((p) => p.text))];
  const flags = spec.kind === DetectorKind.regex ? spec.flags : 'i';
  return {
    spec,
    uri,
    sourceUri,
    constitution,
    clause,
    severity: spec.severity ?? clause.severity ?? severityFromOrder(constitution, clause),
    sticky: sources.map((s) => new RegExp(s, flags.replace('d', '') + 'y')),
    unless: spec.unless.length ? new RegExp(phrasesSource(spec.unless.map((p) => p.text)), 'i') : undefined,
    unlessUser: spec.unlessUser.length || spec.unlessUserPatterns.length ? new RegExp(guardSource(spec), 'i') : undefined,
    unlessSet: spec.unless.length ? new PhraseSet(spec.unless.map((p) => p.text)) : undefined,
    unlessUserSet:
      spec.unlessUser.length || spec.unlessUserPatterns.length
        ? new PhraseSet(
            spec.unlessUser.map((p) => p.text),
            spec.unlessUserPatterns.map((p) => p.text),
          )
        : undefined,
    index,
    messageStart: spec.message.replace(/[.!;:\s]+$/, ''),
    messageEnd: `May conflict with "${clause.title}" (${clause.id}).`,
  };
}

/** The user-turn guard of a detector, its phrases and its patterns, as one expression's source. */
function guardSource(spec: DetectorSpec): string {
  const parts = spec.unlessUserPatterns.map((p) => `(?:${p.text})`);
  if (spec.unlessUser.length) parts.unshift(phrasesSource(spec.unlessUser.map((p) => p.text)));
  return parts.join('|');
}

/**
 * The default severity of a clause's flags from its place in the order of priority: a hard
 * constraint or the top rank is an error, the lowest rank is information, the ranks between are
 * warnings, and a clause the order does not place is a warning.
 */
export function severityFromOrder(constitution: Constitution, clause: Clause): Severity {
  if (clause.hardConstraint) return 'error';
  const levels = constitution.order?.levels.length ?? 0;
  if (clause.rank === undefined || levels === 0) return 'warning';
  if (clause.rank === 0) return 'error';
  if (levels > 1 && clause.rank >= levels - 1) return 'info';
  return 'warning';
}

function buildMatchers(detectors: readonly CompiledDetector[]): Map<Role, RoleMatcher> {
  const matchers = new Map<Role, RoleMatcher>();
  // Detectors of tool calls read no text: they run apart (`Ruleset.toolDetectors`).
  const textDetectors = detectors.filter((d) => d.spec.tools.length === 0);
  const roles = new Set(textDetectors.flatMap((d) => d.spec.roles));
  for (const role of roles) {
    const mine = textDetectors.filter((d) => d.spec.roles.includes(role));
    const units: Unit[] = [];
    const openers: { detector: CompiledDetector; regex: RegExp }[] = [];
    const learned: CompiledDetector[] = [];
    const unit = (detector: CompiledDetector, source: string, flags: string, isolated: boolean) =>
      units.push({ id: units.length, detector, source, flags, isolated });
    for (const d of mine) {
      if (d.spec.kind === DetectorKind.learned) {
        learned.push(d);
      } else if (d.spec.kind === DetectorKind.opensWith) {
        openers.push({ detector: d, regex: new RegExp(`${openingPrefix}(${phrasesSource(d.spec.phrases.map((p) => p.text))})`, 'id') });
      } else if (d.spec.kind === DetectorKind.regex) {
        // An expression anchored at the start of the text keeps its own pass too: V8 tries it at the
        // start alone, where inside an alternation it would be tried at every character.
        for (const p of d.spec.patterns) {
          const flags = d.spec.flags.replace('d', '');
          unit(d, p.text, flags, /\\[1-9]|\\k<|\(\?<(?![=!])/.test(p.text) || anchoredAtStart(p.text, flags));
        }
      } else {
        for (const p of d.spec.phrases) unit(d, phraseSource(p.text), 'i', false);
      }
    }
    const groups = new Map<string, Unit[]>();
    const passes: Pass[] = [];
    const indexed: { owner: CompiledDetector; source: string; flags: string; keys: WordKey[] }[] = [];
    const ids: number[] = [];
    for (const u of units) {
      const keys = u.isolated ? undefined : ProbeIndex.keys(u.source, u.flags);
      if (keys) {
        indexed.push({ owner: u.detector, source: u.source, flags: u.flags, keys });
        ids.push(u.id);
      } else if (u.isolated) {
        passes.push(joinUnits([u], u.flags));
      } else {
        const g = groups.get(u.flags) ?? [];
        g.push(u);
        groups.set(u.flags, g);
      }
    }
    for (const [flags, group] of groups) passes.push(joinUnits(group, flags));
    // The index numbers its probes from 0; the passes' expressions are numbered after them.
    const renumber = new Map(ids.map((id, n) => [id, n]));
    let next = ids.length;
    for (const u of units) if (!renumber.has(u.id)) renumber.set(u.id, next++);
    const words = indexed.length ? ProbeIndex.build(indexed) : undefined;
    matchers.set(role, {
      words,
      passes: passes.map((p) => ({ regex: p.regex, members: p.members.map((m) => ({ ...m, id: renumber.get(m.id)! })) })),
      openers,
      expressions: units.length,
      learned: learned.length > 0 ? learned : undefined,
    });
  }
  return matchers;
}

/** Whether an expression can match only at the start of the text: `^` first, no `m` flag, no alternative beside it. */
export function anchoredAtStart(source: string, flags: string): boolean {
  if (!source.startsWith('^') || flags.includes('m')) return false;
  let depth = 0;
  let inClass = false;
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  return true;
}

/** Joins units into one global expression of alternatives; each is tried alone where it matches. */
function joinUnits(units: readonly Unit[], flags: string): Pass {
  const members = units.map((u) => ({ detector: u.detector, id: u.id, sticky: new RegExp(u.source, flags + 'y') }));
  const source = units.length === 1 ? units[0].source : units.map((u) => `(?:${u.source})`).join('|');
  // An expression anchored at the start is tried there alone (sticky), not sought along the text.
  const anchored = units.length === 1 && anchoredAtStart(source, flags);
  return { regex: new RegExp(source, flags + (anchored ? 'y' : 'g')), members };
}
