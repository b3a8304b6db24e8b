import type { Node, NodeType } from 'jsonc-parser';

/**
 * A node of the tree {@link scanJson} builds: the same fields, offsets and lengths as a node of
 * jsonc-parser's `parseTree`, so that whatever reads one reads the other. A string node also says
 * whether its literal holds an escape, and decodes it only when its value is first read. A
 * property holds its value and its decoded key; the node of its key literal, which hardly anything
 * reads, is made when its children are first read.
 */
export class ScannedNode implements Node {
  readonly type: NodeType;
  readonly offset: number;
  length: number;
  readonly parent: ScannedNode | undefined;
  colonOffset: number | undefined;
  /** For a string: whether its literal holds a backslash, so that its text is not the raw slice. */
  readonly escaped: boolean;
  /** For a property: its key, decoded. */
  key: string | undefined;
  #children: ScannedNode[] | undefined;
  #source: string;
  /** A literal's value once read; a property's value node. */
  #value: unknown;

  constructor(
    type: NodeType,
    offset: number,
    length: number,
    parent: ScannedNode | undefined,
    source: string,
    value: unknown,
    escaped: boolean,
    children: ScannedNode[] | undefined,
  ) {
    this.type = type;
    this.offset = offset;
    this.length = length;
    this.parent = parent;
    this.colonOffset = undefined;
    this.escaped = escaped;
    this.key = undefined;
    this.#children = children;
    this.#source = source;
    this.#value = value;
  }

  /** An object's properties, an array's elements, a property's key and value; `undefined` for a literal. */
  get children(): ScannedNode[] | undefined {
    if (this.#children === undefined && this.type === 'property') this.#children = [this.#keyNode(), this.#value as ScannedNode];
    return this.#children;
  }

  /** Makes a property hold its value; its key literal starts at the property's own offset. */
  setPropertyValue(value: ScannedNode): void {
    this.#value = value;
  }

  /** The string node of a property's key literal, which has been read and is valid. */
  #keyNode(): ScannedNode {
    const t = this.#source;
    let escaped = false;
    let p = this.offset + 1;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 34 /* " */) break;
      if (c === 92 /* \\ */) {
        escaped = true;
        p++;
      }
      p++;
    }
    return new ScannedNode('string', this.offset, p + 1 - this.offset, this, t, escaped ? undefined : this.key, escaped, undefined);
  }

  /**
   * The value of this object's first property named `key`, as a search of its children by their
   * keys' values would find it.
   */
  property(key: string): ScannedNode | undefined {
    const children = this.#children;
    if (this.type !== 'object' || !children) return undefined;
    for (let i = 0; i < children.length; i++) if (children[i].key === key) return children[i].#value as ScannedNode;
    return undefined;
  }

  /** The JSON value of a literal (a string decoded), as jsonc-parser gives it; `undefined` for the others. */
  get value(): unknown {
    if (this.type === 'property') return undefined;
    if (this.type === 'string' && this.#value === undefined) {
      const source = this.#source;
      this.#value = this.escaped ? (JSON.parse(source.slice(this.offset, this.offset + this.length)) as string) : source.slice(this.offset + 1, this.offset + this.length - 1);
    }
    return this.#value;
  }
}

/** Thrown inside the scanner at the first thing it does not accept; never escapes {@link scanJson}. */
const reject = new Error('not strict JSON');

/** Deeper nesting than this is left to jsonc-parser, so that the scanner's recursion stays shallow. */
const maxDepth = 200;

const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** A number, `true`, `false` or `null`: what skipped metadata holds besides strings and containers. */
const scalarPattern = new RegExp(`${numberPattern.source}|true|false|null`, 'y');
const controlPattern = /[\u0000-\u001f]/g;
const hexPattern = /[0-9a-fA-F]{4}/y;
/**
 * The tree of `text` when it is one strict JSON value (RFC 8259: no comments, no trailing commas),
 * else `undefined`, and the caller falls back to jsonc-parser, which reports the errors at their
 * places. It accepts exactly what `JSON.parse` accepts, or less (very deep nesting), and then gives
 * the nodes `parseTree` would.
 *
 * It is faster than `parseTree` because it never looks at a string's characters one by one: the
 * closing quote, the backslashes and the control characters (which a string may not hold) are
 * found with native searches, and the positions of the next backslash and control character are
 * kept between strings so that each is searched for once per text. Strings are decoded only when
 * their value is read.
 *
 * The properties of the root object named in `skip` are read as strictly as the rest, so that the
 * text is still rejected exactly when `JSON.parse` rejects it, but they get no nodes: the tree then
 * lacks them, which suits a reader that never asks for them.
 */
export function scanJson(text: string, skip?: readonly string[]): ScannedNode | undefined {
  try {
    return new Scanner(text, skip).root();
  } catch (e) {
    if (e === reject) return undefined;
    throw e;
  }
}

/** The first offset from `p` on that is not JSON whitespace. */
function skipSpace(t: string, p: number): number {
  // Bounded, not left to `charCodeAt` past the end (NaN): a read out of bounds undoes the optimised code once per thread.
  for (const n = t.length; p < n; p++) {
    const c = t.charCodeAt(p);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
  }
  return p;
}

class Scanner {
  readonly #text: string;
  /** Where the next token starts; each method leaves it after what it read. */
  #pos = 0;
  /**
   * Where the next backslash and the next control character are, as far as searched: -1 before
   * the first search, the text's length when there is none. (A length, not `Infinity`, keeps these
   * fields small integers: a field that turns into a double undoes the code compiled for it.)
   */
  #nextBackslash = -1;
  #nextControl = -1;
  /** The root keys to skip. */
  readonly #skip: readonly string[] | undefined;
  /** Whether the string {@link #stringEnd} read last holds an escape. */
  #escaped = false;

  constructor(text: string, skip: readonly string[] | undefined) {
    this.#text = text;
    this.#skip = skip;
  }

  root(): ScannedNode {
    const t = this.#text;
    this.#pos = skipSpace(t, 0);
    const root = this.#value(undefined, 0);
    if (skipSpace(t, this.#pos) !== t.length) throw reject;
    return root;
  }

  #value(parent: ScannedNode | undefined, depth: number): ScannedNode {
    const t = this.#text;
    const start = this.#pos;
    switch (t.charCodeAt(start)) {
      case 34 /* " */:
        return this.#string(parent);
      case 123 /* { */:
        return this.#object(parent, depth + 1);
      case 91 /* [ */:
        return this.#array(parent, depth + 1);
      case 116 /* t */:
        return this.#literal(parent, 'true', 'boolean', true);
      case 102 /* f */:
        return this.#literal(parent, 'false', 'boolean', false);
      case 110 /* n */:
        return this.#literal(parent, 'null', 'null', null);
      default: {
        numberPattern.lastIndex = start;
        if (!numberPattern.test(t)) throw reject;
        const end = numberPattern.lastIndex;
        this.#pos = end;
        return new ScannedNode('number', start, end - start, parent, t, Number(t.slice(start, end)), false, undefined);
      }
    }
  }

  #literal(parent: ScannedNode | undefined, word: string, type: NodeType, value: boolean | null): ScannedNode {
    const start = this.#pos;
    if (!this.#text.startsWith(word, start)) throw reject;
    this.#pos = start + word.length;
    return new ScannedNode(type, start, word.length, parent, this.#text, value, false, undefined);
  }

  #object(parent: ScannedNode | undefined, depth: number): ScannedNode {
    if (depth > maxDepth) throw reject;
    const t = this.#text;
    const children: ScannedNode[] = [];
    const node = new ScannedNode('object', this.#pos, -1, parent, t, undefined, false, children);
    const skip = depth === 1 ? this.#skip : undefined;
    let p = skipSpace(t, this.#pos + 1);
    if (t.charCodeAt(p) !== 125 /* } */) {
      for (;;) {
        if (t.charCodeAt(p) !== 34 /* " */) throw reject;
        const start = p;
        const key = this.#key(start);
        p = skipSpace(t, this.#pos);
        if (t.charCodeAt(p) !== 58 /* : */) throw reject;
        this.#pos = skipSpace(t, p + 1);
        if (skip !== undefined && skip.includes(key)) {
          this.#skipValue(depth);
        } else {
          const property = new ScannedNode('property', start, -1, node, t, undefined, false, undefined);
          property.key = key;
          property.colonOffset = p;
          children.push(property);
          property.setPropertyValue(this.#value(property, depth));
          property.length = this.#pos - start;
        }
        p = skipSpace(t, this.#pos);
        const c = t.charCodeAt(p);
        if (c === 125 /* } */) break;
        if (c !== 44 /* , */) throw reject;
        p = skipSpace(t, p + 1);
      }
    }
    this.#pos = p + 1;
    node.length = p + 1 - node.offset;
    return node;
  }

  /**
   * Reads the value at the current position as {@link #value} does, accepting and rejecting the
   * same texts at the same depths, but makes no node. It reads in one loop, keeping which of the
   * containers it is inside are objects, rather than calling itself for each: the optimising
   * compiler inlined the recursive call into itself level after level, and compiled the result
   * three times a thread on the bench file, at about 17 ms each. Numbers and literals are read by
   * one expression, so that the first of either deep in a file's metadata meets a way already
   * compiled, if the other came first.
   */
  #skipValue(depth: number): void {
    const t = this.#text;
    /** Per container open around the current place, innermost last: whether it is an object. */
    const open: boolean[] = [];
    let p = this.#pos;
    for (;;) {
      // `p` is at the start of a value.
      const c = t.charCodeAt(p);
      switch (c) {
        case 34 /* " */:
          this.#pos = p;
          p = this.#stringEnd() + 1;
          break;
        case 123 /* { */:
        case 91 /* [ */: {
          if (depth + open.length + 1 > maxDepth) throw reject;
          const object = c === 123; /* { */
          p = skipSpace(t, p + 1);
          if (t.charCodeAt(p) === (object ? 125 /* } */ : 93) /* ] */) {
            p++;
            break;
          }
          open.push(object);
          if (object) p = this.#skipKey(p);
          continue;
        }
        default:
          scalarPattern.lastIndex = p;
          if (!scalarPattern.test(t)) throw reject;
          p = scalarPattern.lastIndex;
      }
      // A value ends at `p`: close the containers it ends, up to one that goes on with another.
      for (;;) {
        if (open.length === 0) {
          this.#pos = p;
          return;
        }
        const object = open[open.length - 1];
        p = skipSpace(t, p);
        const d = t.charCodeAt(p);
        if (d === 44 /* , */) {
          p = skipSpace(t, p + 1);
          if (object) p = this.#skipKey(p);
          break;
        }
        if (d !== (object ? 125 /* } */ : 93) /* ] */) throw reject;
        open.pop();
        p++;
      }
    }
  }

  /** Reads the key at `p` and its colon; gives where the value after them starts. */
  #skipKey(p: number): number {
    const t = this.#text;
    if (t.charCodeAt(p) !== 34 /* " */) throw reject;
    this.#pos = p;
    const q = skipSpace(t, this.#stringEnd() + 1);
    if (t.charCodeAt(q) !== 58 /* : */) throw reject;
    return skipSpace(t, q + 1);
  }

  #array(parent: ScannedNode | undefined, depth: number): ScannedNode {
    if (depth > maxDepth) throw reject;
    const t = this.#text;
    const children: ScannedNode[] = [];
    const node = new ScannedNode('array', this.#pos, -1, parent, t, undefined, false, children);
    let p = skipSpace(t, this.#pos + 1);
    if (t.charCodeAt(p) !== 93 /* ] */) {
      for (;;) {
        this.#pos = p;
        children.push(this.#value(node, depth));
        p = skipSpace(t, this.#pos);
        const c = t.charCodeAt(p);
        if (c === 93 /* ] */) break;
        if (c !== 44 /* , */) throw reject;
        p = skipSpace(t, p + 1);
      }
    }
    this.#pos = p + 1;
    node.length = p + 1 - node.offset;
    return node;
  }

  /**
   * The decoded key of the property whose key literal opens at `start`. Keys are short and plain,
   * so they are read character by character, which costs less than the native searches for so few;
   * a key that holds a backslash or a control character, or a long one, is read by {@link #stringEnd}.
   */
  #key(start: number): string {
    const t = this.#text;
    const limit = Math.min(t.length, start + 33);
    for (let p = start + 1; p < limit; p++) {
      const c = t.charCodeAt(p);
      if (c === 34 /* " */) {
        this.#pos = p + 1;
        return t.slice(start + 1, p);
      }
      if (c === 92 /* \\ */ || c < 32) break;
    }
    this.#pos = start;
    const end = this.#stringEnd();
    return this.#escaped ? (JSON.parse(t.slice(start, end + 1)) as string) : t.slice(start + 1, end);
  }

  /**
   * A string literal whose opening quote is at the current position. Between the quotes, every
   * backslash must start a valid escape and no character may be below U+0020.
   */
  #string(parent: ScannedNode | undefined): ScannedNode {
    const start = this.#pos;
    const end = this.#stringEnd();
    return new ScannedNode('string', start, end + 1 - start, parent, this.#text, undefined, this.#escaped, undefined);
  }

  /**
   * Reads the string literal whose opening quote is at the current position and gives the offset
   * of its closing quote; `#escaped` says whether it holds an escape.
   */
  #stringEnd(): number {
    const t = this.#text;
    const start = this.#pos;
    let p = start + 1;
    let escaped = false;
    let end: number;
    let quote = -1;
    for (;;) {
      // An escape before the quote found last leaves that quote standing; one that ends there (`\"`) does not.
      if (quote < p) {
        quote = t.indexOf('"', p);
        if (quote < 0) throw reject;
      }
      if (this.#nextBackslash < p) {
        const b = t.indexOf('\\', p);
        this.#nextBackslash = b < 0 ? t.length : b;
      }
      const b = this.#nextBackslash;
      if (b > quote) {
        end = quote;
        break;
      }
      escaped = true;
      const e = t.charCodeAt(b + 1);
      if (e === 117 /* u */) {
        hexPattern.lastIndex = b + 2;
        if (!hexPattern.test(t)) throw reject;
        p = b + 6;
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        p = b + 2;
      } else {
        throw reject;
      }
    }
    if (this.#nextControl < start) {
      controlPattern.lastIndex = start;
      const m = controlPattern.exec(t);
      this.#nextControl = m ? m.index : t.length;
    }
    if (this.#nextControl < end) throw reject;
    this.#pos = end + 1;
    this.#escaped = escaped;
    return end;
  }
}
