/**
 * Markdown constitutions. Every heading (ATX or setext, outside code, lists and quotes) is a clause.
 *
 * **Ids.** A heading may end with an anchor in the Model Spec's style,
 * `## Do not lie {#do_not_lie authority=user severity=error}`: the id after `#`, then `key=value`
 * attributes (values may be quoted with `"` or `'`; a key alone means an empty value). Without an
 * anchor the id is the GitHub slug of the heading's text (`## Be kind!` is `be-kind`; a second
 * `## Be kind!` is `be-kind-1`).
 *
 * **Text.** A clause's span runs from its heading to the next heading of the same or a higher
 * level; its own text (`text`, `textSpan`) is what stands between its heading and the next heading
 * of any level, so a section's subsections are its children, not its text.
 *
 * **Cross-references** are links to `#id`, such as `[chain of command](#chain_of_command)` or the
 * Model Spec's `[?](#do_not_lie)`. **Rules**: a fenced block with the info string `rules` holds the
 * clause's detectors as YAML.
 *
 * **Front matter** (optional, YAML between `---` lines at the very top):
 *
 * ```yaml
 * name: acme            # the name citations use, as in [[acme#be_kind]]; default: the file's base name
 * title: Acme's constitution   # default: the first level-1 heading
 * order:                # the order of priority, highest first (or `priority: [...]` / `authority: [...]`)
 *   kind: priority      # or authority (what the levels rank)
 *   levels: [broadly-safe, broadly-ethical, guidelines, helpful]   # or [{name, description}, ...]
 * hard-constraints: [no_weapons]   # ids of clauses that are hard constraints (optional)
 * ```
 *
 * `order: [a, b, c]` is short for `order: {kind: priority, levels: [a, b, c]}`. A clause takes its
 * place with a `priority=<level>` or `authority=<level>` attribute; one without inherits its
 * parent's. `priority=hard-constraints` or a `hard-constraint` attribute marks a hard constraint,
 * which stands apart from and above the order (as do all its subsections).
 *
 * Without a stated order: clauses with `authority=` attributes rank by the Model Spec's
 * root > system > developer > user > guideline; a document with sections on being broadly safe,
 * broadly ethical, compliant with guidelines and helpful, and one on hard constraints (Claude's
 * constitution) ranks those sections in that order and marks the hard constraints.
 */
import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import { parseYamlLocated, plain, stringField, stringList, field, type Located } from '../located.ts';
import { problem, type Problem } from '../problem.ts';
import { LineIndex, type Span } from '../text.ts';
import { applySeverity, type ClauseDraft } from './draft.ts';
import type { Attribute, Constitution, CrossReference, PriorityOrder, RulesSource } from './model.ts';
import { claudePriority, modelSpecAuthority, placeClauses, readStatedOrder } from './order.ts';
import { Slugger } from './slug.ts';

/** One parser for every document: it holds configuration only, no state between parses. */
const md = new MarkdownIt({ html: true });

const anchorPattern = /[ \t]*\{#([^\s{}]+)((?:[ \t]+[^\s{}=]+(?:=(?:"[^"]*"|'[^']*'|[^\s{}"']*))?)*)[ \t]*\}$/;
const attributePattern = /([^\s{}=]+)(?:=("[^"]*"|'[^']*'|[^\s{}"']*))?/g;
const frontMatterOpen = /^---[ \t]*\r?\n/;
const frontMatterClose = /^(?:---|\.\.\.)[ \t]*$/m;
const linkPattern = /(!?)\[(?:[^[\]\\]|\\.|\[[^[\]]*\])*\]\(\s*<?(#[^\s()<>]*)>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const definitionPattern = /^ {0,3}\[(?:[^[\]\\]|\\.)+\]:[ \t]*<?(#[^\s>]*)>?/gm;
const codeSpanPattern = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;

interface FrontMatter {
  readonly metadata: Record<string, unknown>;
  readonly value: Located | undefined;
  /** From the opening `---` to the end of the closing one. */
  readonly span: Span;
}

/** Parses a Markdown constitution; `baseName` names it when front matter does not. */
export function parseMarkdownConstitution(text: string, baseName: string): Constitution {
  const problems: Problem[] = [];
  const front = readFrontMatter(text, problems);
  // Blanking the front matter keeps every offset and line number while hiding it from the parser.
  const body = front ? text.slice(0, front.span.end).replace(/[^\r\n]/g, ' ') + text.slice(front.span.end) : text;
  const env = {};
  const tokens = md.parse(body, env);
  const lines = new LineIndex(text);
  const lineEnd = (line: number) => {
    const next = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : text.length;
    let e = next;
    if (e > lines.lineStart(line) && text.charCodeAt(e - 1) === 10) e--;
    if (e > lines.lineStart(line) && text.charCodeAt(e - 1) === 13) e--;
    return e;
  };
  const startOfLine = (line: number) => (line >= lines.lineCount ? text.length : lines.lineStart(line));

  const clauses: ClauseDraft[] = [];
  const hrefs = new Map<string, number>();
  const code: Span[] = front ? [front.span] : [];
  const rulesBlocks: Array<{ at: number; rules: RulesSource }> = [];
  const slugger = new Slugger();
  const slugLater: Array<{ clause: ClauseDraft; plainText: string }> = [];
  const stack: number[] = [];

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'inline') countHrefs(t, hrefs);
    if ((t.type === 'fence' || t.type === 'code_block' || t.type === 'html_block') && t.map) {
      code.push({ start: startOfLine(t.map[0]), end: startOfLine(t.map[1]) });
      if (t.type === 'fence' && t.info.trim().split(/\s+/)[0] === 'rules') {
        rulesBlocks.push({ at: startOfLine(t.map[0]), rules: fenceRules(t, text, startOfLine, problems) });
      }
      continue;
    }
    if (t.type !== 'heading_open' || t.level !== 0 || !t.map) continue;
    const inline = tokens[i + 1];
    const level = Number(t.tag.slice(1));
    const setext = t.markup === '=' || t.markup === '-';
    let headingSpan: Span;
    let rawStart: number;
    let rawEnd: number;
    if (setext) {
      const first = t.map[0];
      const last = t.map[1] - 2;
      rawStart = startOfLine(first) + leadingSpace(text, startOfLine(first), lineEnd(first));
      rawEnd = trimEndAt(text, rawStart, lineEnd(last));
      headingSpan = { start: startOfLine(first), end: lineEnd(t.map[1] - 1) };
    } else {
      const ls = startOfLine(t.map[0]);
      const le = lineEnd(t.map[0]);
      const line = text.slice(ls, le);
      const open = /^ {0,3}#{1,6}(?:[ \t]+|$)/.exec(line);
      rawStart = ls + (open ? open[0].length : 0);
      const rest = text.slice(rawStart, le).replace(/(?:^|[ \t]+)#+[ \t]*$/, '');
      rawEnd = trimEndAt(text, rawStart, rawStart + rest.length);
      headingSpan = { start: ls, end: le };
    }
    const raw = text.slice(rawStart, rawEnd);
    const anchor = anchorPattern.exec(raw);
    let titleEnd = rawEnd;
    let id = '';
    let idSpan: Span | undefined;
    const attributes: Attribute[] = [];
    if (anchor) {
      const anchorStart = rawStart + anchor.index;
      titleEnd = trimEndAt(text, rawStart, anchorStart);
      const idStart = anchorStart + anchor[0].indexOf('{#') + 2;
      id = anchor[1];
      idSpan = { start: idStart, end: idStart + id.length };
      const attrsStart = idSpan.end;
      for (const m of anchor[2].matchAll(attributePattern)) {
        const start = attrsStart + (m.index ?? 0);
        const quoted = m[2] !== undefined && /^["']/.test(m[2]);
        attributes.push({
          key: m[1],
          value: m[2] === undefined ? '' : quoted ? m[2].slice(1, -1) : m[2],
          span: { start, end: start + m[0].length },
        });
      }
      slugger.reserve(id);
    }
    const clause: ClauseDraft = {
      id,
      idSpan,
      explicitId: anchor !== null,
      title: text.slice(rawStart, titleEnd),
      titleSpan: { start: rawStart, end: titleEnd },
      level,
      headingSpan,
      span: headingSpan,
      text: '',
      textSpan: { start: headingSpan.end, end: headingSpan.end },
      attributes,
      parent: undefined,
      children: [],
      hardConstraint: false,
      references: [],
      rules: [],
    };
    while (stack.length && clauses[stack[stack.length - 1]].level >= level) stack.pop();
    clause.parent = stack.length ? stack[stack.length - 1] : undefined;
    if (clause.parent !== undefined) clauses[clause.parent].children.push(clauses.length);
    stack.push(clauses.length);
    clauses.push(clause);
    if (!anchor) slugLater.push({ clause, plainText: inline?.type === 'inline' ? plainTextOf(inline) : clause.title });
    applySeverity(clause, problems);
  }
  // Slugs are handed out after every explicit id is known, so that no slug takes an explicit id.
  for (const { clause, plainText } of slugLater) clause.id = slugger.slug(plainText);

  settleSpans(clauses, text);
  const references = findReferences(text, code, hrefs, env);
  distribute(clauses, references, (c, r) => c.references.push(r), (r) => r.span.start);
  distribute(clauses, rulesBlocks, (c, r) => c.rules.push(r.rules), (r) => r.at);

  const order = chooseOrder(front, clauses, problems);
  placeClauses(clauses, order.order, order.derived, order.hardIds);

  const firstTitle = clauses.find((c) => c.level === 1)?.title;
  return {
    name: (front && stringField(front.value, 'name')) || baseName,
    title: (front && stringField(front.value, 'title')) || firstTitle || baseName,
    format: 'markdown',
    clauses,
    order: order.order,
    metadata: front?.metadata ?? {},
    problems,
  };
}

function readFrontMatter(text: string, problems: Problem[]): FrontMatter | undefined {
  const open = frontMatterOpen.exec(text);
  if (!open) return undefined;
  const contentStart = open[0].length;
  const close = frontMatterClose.exec(text.slice(contentStart));
  if (!close) return undefined;
  const contentEnd = contentStart + close.index;
  const parsed = parseYamlLocated(text.slice(contentStart, contentEnd), contentStart);
  problems.push(...parsed.problems);
  const value = parsed.value;
  if (value && value.kind !== 'map') {
    problems.push(problem('constitution.front-matter', 'Front matter is a map of keys such as name, title and order.', value.span));
  }
  const metadata = value?.kind === 'map' ? (plain(value) as Record<string, unknown>) : {};
  return { metadata, value, span: { start: 0, end: contentEnd + close[0].length } };
}

function leadingSpace(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  return i - start;
}

function trimEndAt(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

const thematicBreak = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** Trims whitespace and trailing thematic breaks, which separate sections rather than belong to one. */
function trimSectionEnd(text: string, start: number, end: number): number {
  let e = trimEndAt(text, start, end);
  for (;;) {
    const lineStart = Math.max(start, text.lastIndexOf('\n', e - 1) + 1);
    if (lineStart <= start || !thematicBreak.test(text.slice(lineStart, e))) return e;
    e = trimEndAt(text, start, lineStart);
  }
}

function trimStartAt(text: string, start: number, end: number): number {
  let s = start;
  while (s < end && /\s/.test(text[s])) s++;
  return s;
}

/** The heading's text as a reader sees it, which is what GitHub slugs. */
function plainTextOf(inline: Token): string {
  let out = '';
  for (const c of inline.children ?? []) {
    if (c.type === 'text' || c.type === 'code_inline') out += c.content;
    else if (c.type === 'softbreak' || c.type === 'hardbreak') out += ' ';
    else if (c.type === 'image') out += plainTextOf(c);
  }
  return out;
}

function countHrefs(inline: Token, hrefs: Map<string, number>): void {
  for (const c of inline.children ?? []) {
    if (c.type !== 'link_open') continue;
    const href = String(c.attrGet('href') ?? '');
    if (href.startsWith('#')) hrefs.set(href, (hrefs.get(href) ?? 0) + 1);
  }
}

function fenceRules(t: Token, text: string, startOfLine: (line: number) => number, problems: Problem[]): RulesSource {
  const [open, next] = t.map ?? [0, 0];
  const fenceChar = t.markup[0];
  const lastLine = text.slice(startOfLine(next - 1), startOfLine(next)).trim();
  const closed =
    next - 1 > open && lastLine.length >= t.markup.length && [...lastLine].every((ch) => ch === fenceChar);
  const start = startOfLine(open + 1);
  const end = Math.max(start, closed ? startOfLine(next - 1) : startOfLine(next));
  const parsed = parseYamlLocated(text.slice(start, end), start);
  problems.push(...parsed.problems);
  return { value: parsed.value, span: { start, end } };
}

/** Ends each clause's span at the next heading of its level or higher, and finds its own text. */
function settleSpans(clauses: ClauseDraft[], text: string): void {
  const open: number[] = [];
  const close = (i: number, at: number) => {
    const c = clauses[i];
    c.span = { start: c.headingSpan.start, end: Math.max(c.headingSpan.end, trimSectionEnd(text, c.headingSpan.end, at)) };
  };
  clauses.forEach((c, i) => {
    while (open.length && clauses[open[open.length - 1]].level >= c.level) close(open.pop() as number, c.headingSpan.start);
    open.push(i);
    const ownEnd = i + 1 < clauses.length ? clauses[i + 1].headingSpan.start : text.length;
    const end = trimSectionEnd(text, c.headingSpan.end, ownEnd);
    const start = trimStartAt(text, c.headingSpan.end, end);
    c.textSpan = start < end ? { start, end } : { start: c.headingSpan.end, end: c.headingSpan.end };
    c.text = text.slice(c.textSpan.start, c.textSpan.end);
  });
  while (open.length) close(open.pop() as number, text.length);
}

/**
 * Finds `[text](#id)` links and `[label]: #id` definitions outside code. Only links the Markdown
 * parser also saw count, which keeps out look-alikes the simple scan cannot tell apart.
 */
function findReferences(text: string, code: Span[], hrefs: Map<string, number>, env: unknown): CrossReference[] {
  const refs: CrossReference[] = [];
  const definitions = new Set<string>();
  const references = (env as { references?: Record<string, { href?: string }> }).references ?? {};
  for (const r of Object.values(references)) if (r.href?.startsWith('#')) definitions.add(r.href);
  const sorted = [...code].sort((a, b) => a.start - b.start);
  let from = 0;
  const regions: Span[] = [];
  for (const c of sorted) {
    if (c.start > from) regions.push({ start: from, end: c.start });
    from = Math.max(from, c.end);
  }
  if (from < text.length) regions.push({ start: from, end: text.length });
  for (const region of regions) {
    const prose = text.slice(region.start, region.end);
    if (!prose.includes('](#') && !prose.includes(']:')) continue;
    const spans: Span[] = [];
    for (const m of prose.matchAll(codeSpanPattern)) spans.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
    const inCode = (o: number) => spans.some((s) => o >= s.start && o < s.end);
    for (const m of prose.matchAll(linkPattern)) {
      const at = m.index ?? 0;
      if (m[1] === '!' || inCode(at)) continue;
      const href = md.normalizeLink(m[2]);
      const left = hrefs.get(href) ?? 0;
      if (left === 0) continue;
      hrefs.set(href, left - 1);
      refs.push(reference(region.start + at, m[0], m[2]));
    }
    for (const m of prose.matchAll(definitionPattern)) {
      const at = m.index ?? 0;
      if (inCode(at) || !definitions.has(md.normalizeLink(m[1]))) continue;
      refs.push(reference(region.start + at, m[0], m[1]));
    }
  }
  return refs.sort((a, b) => a.span.start - b.span.start);
}

function reference(start: number, whole: string, target: string): CrossReference {
  const idStart = start + whole.lastIndexOf(target) + 1;
  return {
    targetId: target.slice(1),
    span: { start, end: start + whole.length },
    idSpan: { start: idStart, end: idStart + target.length - 1 },
  };
}

/** Gives each item to the innermost clause whose heading or own text holds its offset. */
function distribute<T>(clauses: ClauseDraft[], items: readonly T[], give: (c: ClauseDraft, item: T) => void, at: (item: T) => number): void {
  let ci = -1;
  for (const item of [...items].sort((a, b) => at(a) - at(b))) {
    const o = at(item);
    while (ci + 1 < clauses.length && clauses[ci + 1].headingSpan.start <= o) ci++;
    if (ci >= 0) give(clauses[ci], item);
  }
}

interface ChosenOrder {
  readonly order: PriorityOrder | undefined;
  readonly derived: Map<number, string>;
  readonly hardIds: Set<string>;
}

function chooseOrder(front: FrontMatter | undefined, clauses: ClauseDraft[], problems: Problem[]): ChosenOrder {
  const derived = new Map<number, string>();
  const hardIds = new Set(stringList(field(front?.value, 'hard-constraints')) ?? []);
  const stated = readStatedOrder(front?.value, problems);
  if (stated) return { order: stated, derived, hardIds };
  if (clauses.some((c) => c.attributes.some((a) => a.key === 'authority'))) return { order: modelSpecAuthority, derived, hardIds };
  const claude = claudeSections(clauses);
  if (!claude) return { order: undefined, derived, hardIds };
  for (const [level, index] of claude.levels) derived.set(index, level);
  hardIds.add(clauses[claude.hard].id);
  return { order: claudePriority, derived, hardIds };
}

const claudeLevelPatterns: ReadonlyArray<readonly [string, RegExp]> = [
  ['broadly-safe', /\bbroadly safe\b/i],
  ['broadly-ethical', /\bbroadly ethical\b/i],
  ['guidelines', /\bguidelines\b/i],
  ['helpful', /\bhelpful\b/i],
];

/**
 * Recognises Claude's constitution by its sections: for each of its four core values the
 * shallowest heading that names it, and a heading "Hard constraints". Undefined unless all five are there.
 */
function claudeSections(clauses: ClauseDraft[]): { levels: Array<[string, number]>; hard: number } | undefined {
  const levels: Array<[string, number]> = [];
  for (const [name, pattern] of claudeLevelPatterns) {
    let best = -1;
    clauses.forEach((c, i) => {
      if (pattern.test(c.title) && (best < 0 || c.level < clauses[best].level)) best = i;
    });
    if (best < 0) return undefined;
    levels.push([name, best]);
  }
  const hard = clauses.findIndex((c) => /^hard constraints$/i.test(c.title.trim()));
  return hard < 0 ? undefined : { levels, hard };
}
