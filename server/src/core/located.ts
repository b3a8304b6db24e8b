/**
 * Structured values from YAML or JSON that remember where every node stands in the source, so a
 * bad rule, a missing field or an unknown key is reported at its own place. Both a constitution's
 * `rules` blocks (YAML inside Markdown) and whole YAML/JSON constitutions come through here.
 */
import * as jsonc from 'jsonc-parser';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { problem, syntaxErrorSpan, type Problem } from './problem.ts';
import { jsonSyntaxMessage } from './jsonSyntax.ts';
import type { Span } from './text.ts';

export type Scalar = string | number | boolean | null;

export type Located =
  | { readonly kind: 'scalar'; readonly value: Scalar; readonly span: Span }
  | { readonly kind: 'seq'; readonly items: readonly Located[]; readonly span: Span }
  | { readonly kind: 'map'; readonly entries: readonly LocatedEntry[]; readonly span: Span };

export interface LocatedEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: Located;
}

export interface LocatedParse {
  readonly value: Located | undefined;
  readonly problems: Problem[];
}

/** The entry of a map with this key, if any. */
export function field(node: Located | undefined, key: string): Located | undefined {
  if (node?.kind !== 'map') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value;
  return undefined;
}

export function stringField(node: Located | undefined, key: string): string | undefined {
  const v = field(node, key);
  return v?.kind === 'scalar' && v.value !== null ? String(v.value) : undefined;
}

/** A scalar, or every scalar of a sequence, as strings. */
export function stringList(node: Located | undefined): string[] | undefined {
  if (!node) return undefined;
  if (node.kind === 'scalar') return node.value === null ? [] : [String(node.value)];
  if (node.kind === 'seq') return node.items.flatMap((i) => (i.kind === 'scalar' && i.value !== null ? [String(i.value)] : []));
  return undefined;
}

/** Plain JavaScript value of a located node. */
export function plain(node: Located | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(plain);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
  }
}

/**
 * Parses YAML text that stands at `base` in a larger source. Syntax errors become problems at
 * their places; what parses is returned.
 */
export function parseYamlLocated(text: string, base = 0): LocatedParse {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: true, prettyErrors: false });
  const problems: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const [s, t] = e.pos;
    problems.push(
      problem(
        'yaml.syntax',
        firstLine(e.message),
        syntaxErrorSpan(s, t - s, text.length, base),
        doc.errors.includes(e as never) ? 'error' : 'warning',
      ),
    );
  }
  const value = doc.contents ? fromYaml(doc.contents as YamlNode, base, doc) : undefined;
  return { value, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * A YAML node with its places. An alias (`*name`) reads as the node it names, at the place of that
 * node, so that one list (a rules block's shared phrases) can serve several detectors.
 */
function fromYaml(node: YamlNode, base: number, doc: Document, depth = 0): Located {
  if (isAlias(node)) {
    const target = depth < 16 ? node.resolve(doc) : undefined;
    const r = node.range ?? [0, 0, 0];
    return target ? fromYaml(target as YamlNode, base, doc, depth + 1) : { kind: 'scalar', value: null, span: { start: base + r[0], end: base + r[1] } };
  }
  const r = node.range ?? [0, 0, 0];
  const sp = { start: base + r[0], end: base + r[1] };
  if (isMap(node)) {
    const entries: LocatedEntry[] = [];
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      const key = isScalar(k) ? String(k.value) : String(k ?? '');
      const kr = k?.range ?? r;
      const keySpan = { start: base + kr[0], end: base + kr[1] };
      const v = pair.value as YamlNode | null;
      const value: Located = v
        ? fromYaml(v, base, doc, depth)
        : { kind: 'scalar', value: null, span: { start: keySpan.end, end: keySpan.end } };
      entries.push({ key, keySpan, value });
    }
    return { kind: 'map', entries, span: sp };
  }
  if (isSeq(node)) {
    return { kind: 'seq', items: node.items.map((i) => fromYaml(i as YamlNode, base, doc, depth)), span: sp };
  }
  if (isScalar(node)) {
    const v = node.value;
    const value: Scalar =
      v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    return { kind: 'scalar', value, span: sp };
  }
  return { kind: 'scalar', value: null, span: sp };
}

/** Parses JSON (comments and trailing commas tolerated, and reported) standing at `base`. */
export function parseJsonLocated(text: string, base = 0): LocatedParse {
  const errors: jsonc.ParseError[] = [];
  const root = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems = errors.map((e) =>
    problem('json.syntax', `Invalid JSON: ${jsonSyntaxMessage(e.error)}.`, syntaxErrorSpan(e.offset, e.length, text.length, base)),
  );
  return { value: root ? fromJson(root, base) : undefined, problems };
}

function fromJson(node: jsonc.Node, base: number): Located {
  const sp = { start: base + node.offset, end: base + node.offset + node.length };
  switch (node.type) {
    case 'object': {
      const entries: LocatedEntry[] = [];
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k) continue;
        entries.push({
          key: String(k.value),
          keySpan: { start: base + k.offset, end: base + k.offset + k.length },
          value: v ? fromJson(v, base) : { kind: 'scalar', value: null, span: sp },
        });
      }
      return { kind: 'map', entries, span: sp };
    }
    case 'array':
      return { kind: 'seq', items: (node.children ?? []).map((c) => fromJson(c, base)), span: sp };
    default:
      return { kind: 'scalar', value: (node.value ?? null) as Scalar, span: sp };
  }
}
