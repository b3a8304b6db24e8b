import { getNodeValue, type Node } from 'jsonc-parser';
import { problem, type Problem, type Severity } from '../problem.ts';
import type { MappedText, Span } from '../text.ts';
import { makeNote } from './citationsInText.ts';
import { jsonRootFormats, jsonValueFormats, knownShapes } from './formats.ts';
import { innerSpan, prop } from './jsonNode.ts';
import { ScannedNode } from './jsonScan.ts';
import { jsonStringText, validJsonStringText } from './jsonString.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Note, type Role, type Turn } from './model.ts';
import { roleOf } from './roles.ts';

export { nodeSpan, prop } from './jsonNode.ts';

/** What one JSON value (a file's root, an element of a root array, or a JSONL line) holds. */
export interface JsonConversations {
  readonly conversations: Conversation[];
  readonly problems: Problem[];
}

/** A model object while a reader fills it in. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Blocks whose presence marks a `messages` array as Anthropic Messages rather than OpenAI chat. */
const anthropicBlockTypes = new Set(['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'document']);

/** The key that holds a block's text, for blocks that do not hold it in `text`. */
const textKeys: Readonly<Record<string, string>> = { thinking: 'thinking', reasoning: 'reasoning', refusal: 'refusal' };

/**
 * Block types that are what the assistant or the user said, under another name (the Responses
 * API's content parts): they are read as `text` blocks, which detectors check.
 */
const textTypes: ReadonlySet<string> = new Set(['input_text', 'output_text', 'refusal']);

/** What a {@link JsonReader} leaves out of the conversations it reads. */
export interface JsonReaderOptions {
  /**
   * Leave out each labelled conversation's `meta`: nothing that checks a transcript reads it, and
   * building it costs as much as reading the rest of a short record.
   */
  readonly withoutMeta?: boolean;
}

/**
 * Reads conversations out of parsed JSON values (jsonc-parser nodes, which carry offsets), with the
 * exact source range of every turn, block, note and citation. The shapes are recognised by their
 * keys, not by the file name, through the table of `formats.ts`; each format's reader uses this
 * class's helpers (messages, content blocks, decoded strings, spans). Values of no known shape are
 * a warning that lists the shapes known.
 */
export class JsonReader {
  readonly problems: Problem[] = [];
  readonly #source: string;
  readonly #base: number;
  readonly withoutMeta: boolean;

  /** `base` is where `source` stands in the file (the start of a JSONL line); every range is shifted by it. */
  constructor(source: string, base = 0, options: JsonReaderOptions = {}) {
    this.#source = source;
    this.#base = base;
    this.withoutMeta = options.withoutMeta === true;
  }

  /** The conversations of a file's root value: one conversation, an array of them, or an array of messages or items. */
  fromRoot(root: Node): Conversation[] {
    if (root.type === 'array') {
      const items = root.children ?? [];
      if (items.length > 0 && items.every((i) => i.type === 'object' && (prop(i, 'role') || prop(i, 'from')))) {
        const turns = this.messages(items);
        return [{ index: 0, span: this.span(root), format: this.guessFormat(root, turns.anthropic), turns: turns.turns }];
      }
      for (const format of jsonRootFormats) if (format.recognise(root)) return format.read(this, root, 0);
      const out: Conversation[] = [];
      for (const item of items) out.push(...this.fromValue(item, out.length === 0 ? 0 : out[out.length - 1].index + 1));
      return out;
    }
    return this.fromValue(root, 0);
  }

  /** The conversations of one value (one, or several for a pair, a tree or a log), numbered from `index`. */
  fromValue(node: Node, index: number): Conversation[] {
    if (node.type !== 'object') {
      this.problems.push(problem('transcript.unknown-shape', 'Expected an object holding a conversation.', this.span(node), 'warning'));
      return [];
    }
    for (const format of jsonValueFormats) if (format.recognise(node)) return format.read(this, node, index);
    this.problems.push(problem('transcript.unknown-shape', `No conversation found: expected ${knownShapes()}.`, this.span(node), 'warning'));
    return [];
  }

  /** A problem at a node. */
  warn(code: string, message: string, node: Node, severity: Severity = 'warning'): void {
    this.problems.push(problem(code, message, this.span(node), severity));
  }

  /** Anthropic Messages, OpenAI chat or ShareGPT, from the blocks and keys a list of messages holds. */
  guessFormat(messages: Node, anthropic: boolean): TranscriptFormat {
    if (anthropic) return TranscriptFormat.anthropic;
    for (const m of messages.children ?? []) if (prop(m, 'from')) return TranscriptFormat.sharegpt;
    return TranscriptFormat.openai;
  }

  /** Sets the conversation's id from the record's `id` (a string or a number). */
  setId(conversation: Mutable<Conversation>, node: Node, key = 'id'): void {
    const id = prop(node, key);
    if (id?.type === 'string' || id?.type === 'number') conversation.id = String(id.value);
  }

  /** A turn of `role` whose blocks are the content of a property (`"system": ...`), its role span the key. */
  propertyTurn(role: Role, value: Node, index: number): Turn {
    const property = value.parent?.type === 'property' ? value.parent : undefined;
    const blocks = this.content(value).blocks;
    if (blocks.length === 0) blocks.push(this.emptyBlock(value));
    const turn: Mutable<Turn> = { index, role, roleLabel: role, span: this.span(property ?? value), blocks, notes: [] };
    if (property) turn.roleSpan = this.span(property.children?.[0] ?? property);
    return turn;
  }

  /** Chat messages (`{role|from, content|value, tool_calls, note}`), numbered from `first`. */
  messages(items: readonly Node[], first = 0): { turns: Turn[]; anthropic: boolean } {
    const turns: Turn[] = [];
    let anthropic = false;
    for (const m of items) {
      if (m.type !== 'object') {
        this.problems.push(problem('transcript.unknown-shape', 'Expected a message object.', this.span(m), 'warning'));
        continue;
      }
      const turn = this.message(m, first + turns.length);
      turns.push(turn.turn);
      anthropic ||= turn.anthropic;
    }
    return { turns, anthropic };
  }

  /**
   * One chat message. Tool calls (OpenAI's `{function: {name, arguments}}`, Inspect's `{function:
   * name, arguments}`) become `tool_call` blocks after the content; an Inspect tool message's
   * `error` a `tool_result` block.
   */
  message(m: Node, index: number, roleKeys: readonly string[] = ['role', 'from'], content?: Node): { turn: Turn; anthropic: boolean } {
    const roleNode = prop(m, roleKeys[0]) ?? (roleKeys.length > 1 ? prop(m, roleKeys[1]) : undefined);
    const contentNode = content ?? prop(m, 'content') ?? prop(m, 'value');
    const roleLabel = roleNode?.type === 'string' ? (roleNode.value as string) : '';
    const role = this.role(roleLabel, roleNode ?? m, roleNode !== undefined);
    const { blocks, anthropic } = contentNode ? this.content(contentNode) : { blocks: [] as ContentBlock[], anthropic: false };
    const toolCalls = prop(m, 'tool_calls');
    for (const call of toolCalls?.type === 'array' ? (toolCalls.children ?? []) : []) blocks.push(this.toolCall(call));
    const functionCall = prop(m, 'function_call');
    if (functionCall?.type === 'object') blocks.push(this.toolCall(functionCall, functionCall));
    const error = prop(m, 'error');
    if (error?.type === 'object' && role === 'tool') {
      const message = prop(error, 'message');
      blocks.push({ type: 'tool_result', text: message?.type === 'string' ? this.text(message) : this.raw(error), span: this.span(error) });
    }
    if (blocks.length === 0) blocks.push(this.emptyBlock(m));
    const roleProperty = roleNode?.parent;
    const turn: Mutable<Turn> = { index, role, roleLabel, span: this.span(m), blocks, notes: this.notes(m) };
    if (roleProperty) turn.roleSpan = this.span(roleProperty);
    return { turn, anthropic };
  }

  /** The role a label names; an unknown or missing one is a warning and reads as a user turn. */
  role(label: string, at: Node, given = true): Role {
    const role = roleOf(label);
    if (role) return role;
    this.problems.push(
      problem(
        'transcript.unknown-role',
        given ? `Unknown role "${label}"; read as a user turn.` : 'This message has no role; read as a user turn.',
        this.span(at),
        'warning',
      ),
    );
    return 'user';
  }

  /** An empty `text` block at the end of a node, for a turn that holds nothing to read. */
  emptyBlock(node: Node): ContentBlock {
    const at = this.#base + node.offset + node.length - 1;
    return { type: 'text', text: { text: '', toSource: () => at }, span: { start: at, end: at } };
  }

  /** A message's `note` string and `notes` strings. */
  notes(m: Node): Note[] {
    const notes: Note[] = [];
    const note = prop(m, 'note');
    if (note?.type === 'string') notes.push(makeNote(this.text(note), this.span(note.parent ?? note)));
    const list = prop(m, 'notes');
    for (const n of list?.type === 'array' ? (list.children ?? []) : []) if (n.type === 'string') notes.push(makeNote(this.text(n), this.span(n)));
    return notes;
  }

  /**
   * A tool call: OpenAI's `{function: {name, arguments}}` (or a bare legacy `function_call`),
   * Inspect's `{function: name, arguments}`; the arguments as written.
   */
  toolCall(call: Node, fn: Node | undefined = prop(call, 'function')): ContentBlock {
    if (fn?.type === 'string') {
      const args = prop(call, 'arguments');
      return named({ type: 'tool_call', text: this.argumentsText(args, call), span: this.span(call) }, fn);
    }
    const name = fn ? prop(fn, 'name') : undefined;
    const args = fn ? prop(fn, 'arguments') : undefined;
    return named({ type: 'tool_call', text: this.argumentsText(args, call), span: this.span(call) }, name);
  }

  /** Arguments as written: a string's decoded text, or any other value's source text. */
  argumentsText(args: Node | undefined, owner: Node): MappedText {
    return args?.type === 'string' ? this.text(args) : args ? this.raw(args) : this.emptyAt(owner.offset);
  }

  /** A block of `type` holding a value: a string's text, or any other value's source. */
  valueBlock(type: string, value: Node | undefined, owner: Node, name?: Node | string): ContentBlock {
    const block: Mutable<ContentBlock> =
      value?.type === 'string'
        ? { type, text: this.text(value), span: this.inner(value) }
        : { type, text: value ? this.raw(value) : this.emptyAt(owner.offset), span: this.span(value ?? owner) };
    if (typeof name === 'string') block.name = name;
    else if (name?.type === 'string') block.name = name.value as string;
    return block;
  }

  /** Content: a string, or an array of strings and typed blocks (Anthropic, OpenAI, Inspect). */
  content(node: Node): { blocks: ContentBlock[]; anthropic: boolean } {
    if (node.type === 'string') {
      const text = this.text(node);
      return { blocks: [{ type: 'text', text, span: this.inner(node) }], anthropic: false };
    }
    if (node.type !== 'array') {
      if (node.type !== 'null') this.problems.push(problem('transcript.unknown-shape', 'Expected a string or an array of content blocks.', this.span(node), 'warning'));
      return { blocks: [], anthropic: false };
    }
    const blocks: ContentBlock[] = [];
    let anthropic = false;
    for (const b of node.children ?? []) {
      if (b.type === 'string') {
        blocks.push({ type: 'text', text: this.text(b), span: this.inner(b) });
        continue;
      }
      if (b.type !== 'object') continue;
      const typeNode = prop(b, 'type');
      const type = typeNode?.type === 'string' ? (typeNode.value as string) : 'text';
      if (anthropicBlockTypes.has(type) || (type === 'image' && prop(b, 'source'))) anthropic = true;
      const name = prop(b, 'name');
      if (type === 'tool_use') {
        const input = prop(b, 'input');
        blocks.push(named({ type, text: input ? this.raw(input) : this.emptyAt(b.offset), span: this.span(b) }, name));
        continue;
      }
      if (type === 'tool_result') {
        const content = prop(b, 'content');
        const inner = content ? this.content(content).blocks : [];
        if (inner.length === 0) blocks.push({ type, text: this.emptyAt(b.offset), span: this.span(b) });
        for (const i of inner) blocks.push({ ...i, type });
        continue;
      }
      const textNode = prop(b, textKeys[type] ?? 'text') ?? prop(b, 'text');
      const text = textNode?.type === 'string' ? this.text(textNode) : this.emptyAt(b.offset);
      blocks.push(named({ type: textTypes.has(type) ? 'text' : type, text, span: textNode?.type === 'string' ? this.inner(textNode) : this.span(b) }, name));
    }
    return { blocks, anthropic };
  }

  /**
   * The plain value of a node, as `JSON.parse` of its slice gives it: native, fast, and ordinary
   * objects (a later duplicate key winning, `__proto__` an own key). Every node the scanner made
   * parses alone; a node of a file with syntax errors may not, and then jsonc-parser's value is used.
   */
  plain(node: Node): unknown {
    try {
      return JSON.parse(this.#source.slice(node.offset, node.offset + node.length));
    } catch {
      const value = getNodeValue(node) as unknown;
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : value;
    }
  }

  /** A string node's decoded text, mapped to the source. */
  text(node: Node): MappedText {
    if (node instanceof ScannedNode) return validJsonStringText(this.#source, node.offset, node.length, node.escaped, this.#base);
    return jsonStringText(this.#source, node.offset, node.length, this.#base);
  }

  span(node: Node): Span {
    return { start: this.#base + node.offset, end: this.#base + node.offset + node.length };
  }

  /** The inside of a string literal. */
  inner(node: Node): Span {
    const s = innerSpan(node);
    return { start: this.#base + s.start, end: this.#base + s.end };
  }

  emptyAt(at: number): MappedText {
    return emptyAt(this.#base + at);
  }

  /** A node's source text, as written. */
  raw(node: Node): MappedText {
    const start = this.#base + node.offset;
    return { text: this.#source.slice(node.offset, node.offset + node.length), toSource: (o) => start + o };
  }
}

/** The block with the tool name of a `name` string node, when there is one. */
export function named(block: Mutable<ContentBlock>, name: Node | undefined): ContentBlock {
  if (name?.type === 'string') block.name = name.value as string;
  return block;
}

/** `turns` numbered from 0 in order. */
export function reindex(turns: Turn[]): Turn[] {
  return turns.map((t, i) => (t.index === i ? t : { ...t, index: i }));
}

function emptyAt(at: number): MappedText {
  return { text: '', toSource: () => at };
}
