/**
 * The detector schema: how a constitution declares the checks attached to a clause.
 *
 * A clause's detectors sit in a fenced block with the info string `rules` under the clause's
 * Markdown heading, or in the `rules` field of a principle in a YAML/JSON constitution. The block is
 * a YAML sequence of detectors (a single map is read as a sequence of one):
 *
 * ```rules
 * - id: sycophantic-opener          # required; letters, digits, `.`, `_`, `-`; the diagnostic code
 *   kind: opens-with                # required; see the kinds below
 *   roles: [assistant]              # optional; roles whose turns are read (default [assistant]);
 *                                   # any of system, developer, user, assistant, tool
 *   tools: [bash, send_email]       # optional; read the arguments of the calls of these tools
 *                                   # (`tool_call` blocks) in place of the turn's text
 *   message: Opens by praising the question   # required; what was seen, in a few words
 *   severity: info                  # optional; error | warning | info | hint | off
 *   phrases: [great question, what a fascinating question]
 *   unless: [...]                   # optional guard: no flag if the turn contains one of these phrases
 *   unless-user: [...]              # optional guard: no flag if the preceding user turn contains one
 *   unless-user-pattern: [...]      # optional guard: the same, with regular expressions (flag `i`)
 *   examples:                       # required in spirit: each example is run as a test
 *     flag: [Great question! The answer is 4.]      # must be flagged
 *     pass:                                          # must not be flagged
 *       - The answer is 4.
 *       - {user: How do I pick a lock?, text: I can't help with that.}   # with a preceding user turn
 * ```
 *
 * Kinds and their fields:
 * - `phrases`: `phrases`, a list of phrases. A phrase matches as whole words (it neither starts nor
 *   ends inside a word), ignoring case, with any run of whitespace standing for a space and any of
 *   `'` `’` `‘` `ʼ` standing for an apostrophe. Every match is a finding.
 * - `regex`: `pattern`, a JavaScript regular expression (or a list of them), and `flags` (default
 *   `i`; `g` and `y` are implied and ignored). Every non-empty match is a finding.
 * - `opens-with`: `phrases` that count only at the very start of the turn, after leading
 *   whitespace and Markdown punctuation (`#`, `>`, `*`, `_`, `-`, quotes).
 * - `learned`: a linear model over word and character n-grams, trained from labels by
 *   `constitution-lens train`. `model` names its file (from the constitution's folder); `train` says
 *   how: `from` (labelled JSONL records, from the constitution's folder), `label` (the field path
 *   of a record's label), `positive` (the label values that count as positive), and optionally
 *   `context: user`, `precision` (the target the threshold is chosen for) and `licence` (of the
 *   data); the rule's own examples always count. `threshold` (optional) replaces the model's.
 *   A missing, malformed or stale model file is a problem at `model` (`rule.model-missing`,
 *   `rule.model-invalid`, `rule.model-stale`); the other detectors still run.
 * - `caveat-density`: the turn is mostly caveats. `phrases` lists hedges and disclaimers; the turn is
 *   flagged when at least `min` of them occur (default 3) and, if `ratio` is given, they number at
 *   least `ratio` per sentence of the turn. Each occurrence is underlined.
 *
 * Severity: a detector's `severity` wins; else the clause's `severity`; else the clause's place in
 * the constitution's order of priority: a hard constraint or the top rank gives `error`, the lowest
 * rank `info`, the ranks between `warning`; a clause outside any order gives `warning`. Settings
 * (`CheckOptions.severityOverrides`, keyed by detector id) override all of these.
 *
 * Problems are reported at their own place in the constitution and never stop the other detectors:
 * `rule.invalid-pattern` (a regular expression that does not compile, at the pattern),
 * `rule.unknown-kind`, `rule.unknown-field`, `rule.missing-field`, `rule.invalid-field`,
 * `rule.duplicate-id`, and `rule.example-failed` (from {@link runExamples} in `examples.ts`).
 */
import { field, type Located } from '../located.ts';
import { isSeverity, problem, type Problem, type Severity } from '../problem.ts';
import type { Span } from '../text.ts';
import { Role } from '../transcript/model.ts';
import type { RulesSource } from '../constitution/model.ts';

export const DetectorKind = {
  phrases: 'phrases',
  regex: 'regex',
  opensWith: 'opens-with',
  caveatDensity: 'caveat-density',
  learned: 'learned',
} as const;
export type DetectorKind = (typeof DetectorKind)[keyof typeof DetectorKind];

const kinds = new Set<string>(Object.values(DetectorKind));
const roles = new Set<string>(Object.values(Role));

const commonFields = new Set(['id', 'kind', 'roles', 'tools', 'message', 'severity', 'examples', 'description', 'unless', 'unless-user', 'unless-user-pattern']);
const kindFields: Record<DetectorKind, ReadonlySet<string>> = {
  phrases: new Set(['phrases']),
  regex: new Set(['pattern', 'flags']),
  'opens-with': new Set(['phrases']),
  'caveat-density': new Set(['phrases', 'min', 'ratio']),
  learned: new Set(['model', 'train', 'threshold']),
};

/** A string of the schema with its place in the constitution. */
export interface LocatedString {
  readonly text: string;
  readonly span: Span;
}

export interface ExampleSpec {
  readonly expect: 'flag' | 'pass';
  /** The text of a turn in the detector's first role. */
  readonly text: string;
  /** The user turn before it, for detectors with an `unless-user` guard. */
  readonly user?: string;
  readonly span: Span;
}

/** A detector as declared, validated but not yet compiled. */
export interface DetectorSpec {
  readonly id: string;
  readonly idSpan: Span;
  /** The whole declaration. */
  readonly span: Span;
  readonly kind: DetectorKind;
  readonly roles: readonly Role[];
  /** Tools whose calls the detector reads (their arguments), in place of text; empty for a text detector. */
  readonly tools: readonly string[];
  readonly message: string;
  readonly severity?: Severity | 'off';
  readonly phrases: readonly LocatedString[];
  /** Regular expression sources that compiled. */
  readonly patterns: readonly LocatedString[];
  readonly flags: string;
  readonly min: number;
  readonly ratio?: number;
  readonly unless: readonly LocatedString[];
  readonly unlessUser: readonly LocatedString[];
  /** Regular expression sources (flag `i`) that compiled, a guard on the preceding user turn. */
  readonly unlessUserPatterns: readonly LocatedString[];
  readonly examples: readonly ExampleSpec[];
  /** `learned` only: the model file, relative to the constitution's folder. */
  readonly model?: LocatedString;
  /** `learned` only: how `constitution-lens train` makes the model. */
  readonly train?: TrainSpec;
  /** `learned` only: a probability that replaces the threshold the model was trained with. */
  readonly threshold?: number;
}

/** A learned detector's `train` block. */
export interface TrainSpec {
  /** Labelled files, relative to the constitution's folder. */
  readonly from: readonly LocatedString[];
  /** The field path of the label in a record (`label`, `meta.final_label`). */
  readonly label: string;
  /** Label values that count as positive; any other value is negative. */
  readonly positive: readonly string[];
  /** `user`: the user turn before the turn is read too. */
  readonly context?: 'user';
  /** The precision the threshold is chosen for. */
  readonly precision?: number;
  /** The licence of the training data, copied into the model file. */
  readonly licence?: string;
  readonly span: Span;
}

export interface ReadDetectors {
  readonly detectors: DetectorSpec[];
  readonly problems: Problem[];
}

/** Reads and validates the detectors of one rules block; what is wrong becomes a problem at its place. */
export function readDetectors(source: RulesSource): ReadDetectors {
  const problems: Problem[] = [];
  const detectors: DetectorSpec[] = [];
  const v = source.value;
  if (!v) return { detectors, problems };
  const items = v.kind === 'seq' ? v.items : v.kind === 'map' ? [v] : undefined;
  if (!items) {
    problems.push(problem('rule.invalid-field', 'A rules block is a list of detectors.', v.span));
    return { detectors, problems };
  }
  for (const item of items) {
    const d = readDetector(item, problems);
    if (d) detectors.push(d);
  }
  return { detectors, problems };
}

function readDetector(node: Located, problems: Problem[]): DetectorSpec | undefined {
  if (node.kind !== 'map') {
    problems.push(problem('rule.invalid-field', 'A detector is a map with at least id, kind and message.', node.span));
    return undefined;
  }
  const id = scalarString(field(node, 'id'));
  if (!id) {
    problems.push(problem('rule.missing-field', 'This detector has no `id`.', node.span));
    return undefined;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(id.text)) {
    problems.push(problem('rule.invalid-field', `Detector id "${id.text}" may hold only letters, digits, ".", "_" and "-".`, id.span));
  }
  const kindNode = field(node, 'kind');
  const kindValue = scalarString(kindNode);
  if (!kindValue) {
    problems.push(problem('rule.missing-field', `Detector "${id.text}" has no \`kind\` (one of ${[...kinds].join(', ')}).`, id.span));
    return undefined;
  }
  if (!kinds.has(kindValue.text)) {
    problems.push(problem('rule.unknown-kind', `Unknown detector kind "${kindValue.text}"; expected one of ${[...kinds].join(', ')}.`, kindValue.span));
    return undefined;
  }
  const kind = kindValue.text as DetectorKind;

  for (const e of node.entries) {
    if (!commonFields.has(e.key) && !kindFields[kind].has(e.key)) {
      const applies = Object.entries(kindFields).filter(([, f]) => f.has(e.key)).map(([k]) => k);
      const message = applies.length
        ? `Field "${e.key}" does not apply to kind ${kind} (it belongs to ${applies.join(', ')}).`
        : `Unknown detector field "${e.key}".`;
      problems.push(problem('rule.unknown-field', message, e.keySpan, 'warning'));
    }
  }

  const message = scalarString(field(node, 'message'));
  if (!message) problems.push(problem('rule.missing-field', `Detector "${id.text}" has no \`message\`.`, id.span));

  const detectorRoles = readRoles(field(node, 'roles'), problems);

  let severity: Severity | 'off' | undefined;
  const sev = scalarString(field(node, 'severity'));
  if (sev) {
    if (isSeverity(sev.text) || sev.text === 'off') severity = sev.text;
    else problems.push(problem('rule.invalid-field', `Unknown severity "${sev.text}"; expected error, warning, info, hint or off.`, sev.span, 'warning'));
  }

  const flagsValue = scalarString(field(node, 'flags'));
  let flags = 'i';
  if (flagsValue) {
    flags = [...new Set(flagsValue.text.replace(/[gy]/g, ''))].sort().join('');
    if (!/^[dimsuv]*$/.test(flags)) {
      problems.push(problem('rule.invalid-field', `Unknown regular expression flags "${flagsValue.text}".`, flagsValue.span));
      flags = 'i';
    }
  }

  const phrases = kindFields[kind].has('phrases') ? readStrings(node, 'phrases', problems) : [];
  const patterns: LocatedString[] = [];
  if (kind === DetectorKind.regex) {
    for (const p of readStrings(node, 'pattern', problems)) {
      try {
        new RegExp(p.text, flags);
        patterns.push(p);
      } catch (e) {
        problems.push(problem('rule.invalid-pattern', (e as Error).message, p.span));
      }
    }
  }
  const learned = kind === DetectorKind.learned ? readLearned(node, id, problems) : undefined;
  const usable = kind === DetectorKind.learned ? learned !== undefined : kind === DetectorKind.regex ? patterns.length > 0 : phrases.length > 0;
  if (!usable && kind !== DetectorKind.learned && !(kind === DetectorKind.regex && field(node, 'pattern'))) {
    const what = kind === DetectorKind.regex ? '`pattern`' : '`phrases`';
    problems.push(problem('rule.missing-field', `Detector "${id.text}" has no ${what}.`, id.span));
  }

  const min = readNumber(node, 'min', problems, 3, (n) => n >= 1 && Number.isInteger(n), 'a whole number of at least 1');
  const ratioNode = field(node, 'ratio');
  const ratio = ratioNode ? readNumber(node, 'ratio', problems, undefined, (n) => n > 0 && n <= 1, 'a number above 0 and at most 1') : undefined;

  const examples = readExamples(field(node, 'examples'), problems);
  if (!message || !usable) return undefined;
  return {
    id: id.text,
    idSpan: id.span,
    span: node.span,
    kind,
    roles: detectorRoles,
    tools: readStrings(node, 'tools', problems).map((t) => t.text),
    message: message.text,
    severity,
    phrases,
    patterns,
    flags,
    min: min ?? 3,
    ratio,
    unless: readStrings(node, 'unless', problems),
    unlessUser: readStrings(node, 'unless-user', problems),
    unlessUserPatterns: readPatterns(node, 'unless-user-pattern', 'i', problems),
    examples,
    ...learned,
  };
}

/** The regular expressions of a field that compile; each that does not is a problem at its place. */
function readPatterns(node: Located, key: string, flags: string, problems: Problem[]): LocatedString[] {
  const out: LocatedString[] = [];
  for (const p of readStrings(node, key, problems)) {
    try {
      new RegExp(p.text, flags);
      out.push(p);
    } catch (e) {
      problems.push(problem('rule.invalid-pattern', (e as Error).message, p.span));
    }
  }
  return out;
}

const trainFields = new Set(['from', 'label', 'positive', 'context', 'precision', 'licence']);

/** The fields of a `learned` detector; undefined (with problems) when it has no model to run. */
function readLearned(node: Located, id: LocatedString, problems: Problem[]): Pick<DetectorSpec, 'model' | 'train' | 'threshold'> | undefined {
  const model = scalarString(field(node, 'model'));
  if (!model || model.text.trim() === '') {
    problems.push(problem('rule.missing-field', `Detector "${id.text}" has no \`model\` (the model file, written by \`constitution-lens train\`).`, id.span));
    return undefined;
  }
  const thresholdNode = field(node, 'threshold');
  const threshold = thresholdNode ? readNumber(node, 'threshold', problems, undefined, (n) => n > 0 && n < 1, 'a probability above 0 and below 1') : undefined;
  const trainNode = field(node, 'train');
  let train: TrainSpec | undefined;
  if (trainNode?.kind === 'map') {
    for (const e of trainNode.entries) {
      if (!trainFields.has(e.key)) problems.push(problem('rule.unknown-field', `Unknown train field "${e.key}"; expected one of ${[...trainFields].join(', ')}.`, e.keySpan, 'warning'));
    }
    const label = scalarString(field(trainNode, 'label'));
    const from = readStrings(trainNode, 'from', problems);
    const positive = readStrings(trainNode, 'positive', problems);
    const context = scalarString(field(trainNode, 'context'));
    if (context && context.text !== 'user') problems.push(problem('rule.invalid-field', '`context` is `user` (the user turn before is read too), or absent.', context.span));
    const precision = field(trainNode, 'precision') ? readNumber(trainNode, 'precision', problems, undefined, (n) => n > 0 && n < 1, 'a target precision above 0 and below 1') : undefined;
    const licence = scalarString(field(trainNode, 'licence'));
    if (from.length > 0 && !label) problems.push(problem('rule.missing-field', '`train` reads labelled files, so it needs `label` (the field path of the label).', trainNode.span));
    if (label && positive.length === 0) problems.push(problem('rule.missing-field', '`train` needs `positive`: the label values that count as positive.', trainNode.span));
    train = {
      from,
      label: label?.text ?? 'label',
      positive: positive.map((p) => p.text),
      context: context?.text === 'user' ? 'user' : undefined,
      precision,
      licence: licence?.text,
      span: trainNode.span,
    };
  } else if (trainNode) {
    problems.push(problem('rule.invalid-field', '`train` is a map: from, label, positive, and optionally context, precision, licence.', trainNode.span));
  }
  return { model, train, threshold };
}

function scalarString(node: Located | undefined): LocatedString | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return { text: String(node.value), span: node.span };
}

/** A string or a list of strings; anything else, or an empty string, is a problem at its place. */
function readStrings(map: Located, key: string, problems: Problem[]): LocatedString[] {
  const node = field(map, key);
  if (!node) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  const out: LocatedString[] = [];
  for (const item of items) {
    const s = scalarString(item);
    if (!s || s.text.trim() === '') {
      problems.push(problem('rule.invalid-field', `Each entry of "${key}" is a non-empty string.`, item.span, 'warning'));
      continue;
    }
    out.push(s);
  }
  return out;
}

function readNumber(
  map: Located,
  key: string,
  problems: Problem[],
  fallback: number | undefined,
  ok: (n: number) => boolean,
  expected: string,
): number | undefined {
  const node = field(map, key);
  if (!node) return fallback;
  const n = node.kind === 'scalar' ? Number(node.value) : NaN;
  if (node.kind === 'scalar' && node.value !== null && node.value !== '' && ok(n)) return n;
  problems.push(problem('rule.invalid-field', `"${key}" must be ${expected}.`, node.span));
  return fallback;
}

function readRoles(node: Located | undefined, problems: Problem[]): Role[] {
  if (!node) return [Role.assistant];
  const items = node.kind === 'seq' ? node.items : [node];
  const out: Role[] = [];
  for (const item of items) {
    const s = scalarString(item);
    if (s && roles.has(s.text)) out.push(s.text as Role);
    else problems.push(problem('rule.invalid-field', `Unknown role${s ? ` "${s.text}"` : ''}; expected one of ${[...roles].join(', ')}.`, item.span));
  }
  return out.length ? out : [Role.assistant];
}

function readExamples(node: Located | undefined, problems: Problem[]): ExampleSpec[] {
  const out: ExampleSpec[] = [];
  if (!node) return out;
  if (node.kind !== 'map') {
    problems.push(problem('rule.invalid-field', '`examples` is a map with `flag` and `pass` lists.', node.span));
    return out;
  }
  for (const e of node.entries) {
    if (e.key !== 'flag' && e.key !== 'pass') {
      problems.push(problem('rule.unknown-field', `Unknown examples field "${e.key}"; expected flag or pass.`, e.keySpan, 'warning'));
      continue;
    }
    const items = e.value.kind === 'seq' ? e.value.items : [e.value];
    for (const item of items) {
      const s = scalarString(item);
      if (s) {
        out.push({ expect: e.key, text: s.text, span: item.span });
        continue;
      }
      const text = scalarString(field(item, 'text'));
      const user = scalarString(field(item, 'user'));
      if (item.kind === 'map' && text) {
        out.push({ expect: e.key, text: text.text, user: user?.text, span: item.span });
        continue;
      }
      problems.push(problem('rule.invalid-field', 'An example is a string, or a map with `text` and optionally `user`.', item.span, 'warning'));
    }
  }
  return out;
}
