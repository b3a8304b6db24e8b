import { getNodeValue, type Node } from 'jsonc-parser';
import { problem, type Problem } from '../problem.ts';
import type { MappedText, Span } from '../text.ts';
import { makeNote } from './citations.ts';
import { ScannedNode } from './jsonScan.ts';
import { jsonStringText, validJsonStringText } from './jsonString.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Note, type Turn } from './model.ts';
import { roleOf } from './roles.ts';
import { parseTextTurns } from './textFormat.ts';

/** What one JSON value (a file's root, an element of a root array, or a JSONL line) holds. */
export interface JsonConversations {
  readonly conversations: Conversation[];
  readonly problems: Problem[];
}

/** A model object while the reader fills it in. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Blocks whose presence marks a `messages` array as Anthropic Messages rather than OpenAI chat. */
const anthropicBlockTypes = new Set(['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'document']);

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
 * keys, not by the file name: `messages` (Anthropic Messages, OpenAI chat, or a labelled record when
 * it has `target_turn` or `label`), `conversations` (ShareGPT), `chosen` and `rejected` (a preference
 * pair: two conversations with the same index). Values of no known shape are a warning.
 */
export class JsonReader {
  readonly problems: Problem[] = [];
  readonly #source: string;
  readonly #base: number;
  readonly #withoutMeta: boolean;

  /** `base` is where `source` stands in the file (the start of a JSONL line); every range is shifted by it. */
  constructor(source: string, base = 0, options: JsonReaderOptions = {}) {
    this.#source = source;
    this.#base = base;
    this.#withoutMeta = options.withoutMeta === true;
  }

  /** The conversations of a file's root value: one conversation, an array of them, or an array of messages. */
  fromRoot(root: Node): Conversation[] {
    if (root.type === 'array') {
      const items = root.children ?? [];
      if (items.length > 0 && items.every((i) => i.type === 'object' && (prop(i, 'role') || prop(i, 'from')))) {
        const turns = this.#messages(items);
        return [{ index: 0, span: this.#span(root), format: this.#guessFormat(root, turns.anthropic), turns: turns.turns }];
      }
      const out: Conversation[] = [];
      for (const item of items) out.push(...this.fromValue(item, out.length === 0 ? 0 : out[out.length - 1].index + 1));
      return out;
    }
    return this.fromValue(root, 0);
  }

  /** The conversations of one value (one, or two for a preference pair), numbered `index`. */
  fromValue(node: Node, index: number): Conversation[] {
    if (node.type !== 'object') {
      this.problems.push(problem('transcript.unknown-shape', 'Expected an object holding a conversation.', this.#span(node), 'warning'));
      return [];
    }
    const messages = prop(node, 'messages');
    if (messages?.type === 'array') return [this.#messagesConversation(node, messages, index)];
    const sharegpt = prop(node, 'conversations') ?? prop(node, 'conversation');
    if (sharegpt?.type === 'array') {
      const { turns } = this.#messages(sharegpt.children ?? []);
      const conversation: Mutable<Conversation> = { index, span: this.#span(node), format: TranscriptFormat.sharegpt, turns };
      this.#setId(conversation, node);
      return [conversation];
    }
    if (prop(node, 'chosen') && prop(node, 'rejected')) return this.#pair(node, index);
    this.problems.push(
      problem(
        'transcript.unknown-shape',
        'No conversation found: expected `messages`, `conversations`, or `chosen` and `rejected`.',
        this.#span(node),
        'warning',
      ),
    );
    return [];
  }

  #messagesConversation(node: Node, messages: Node, index: number): Conversation {
    const turns: Turn[] = [];
    let anthropic = false;
    const system = prop(node, 'system');
    if (system) {
      anthropic = true;
      const property = system.parent ?? system;
      const blocks = this.#content(system).blocks;
      turns.push({
        index: 0,
        role: 'system',
        roleLabel: 'system',
        roleSpan: this.#span(property.children?.[0] ?? property),
        span: this.#span(property),
        blocks,
        notes: [],
      });
    }
    const read = this.#messages(messages.children ?? [], turns.length);
    turns.push(...read.turns);
    anthropic ||= read.anthropic;
    const labelled = prop(node, 'target_turn') !== undefined || prop(node, 'label') !== undefined;
    const format = labelled ? TranscriptFormat.labelled : this.#guessFormat(messages, anthropic);
    const conversation: Mutable<Conversation> = { index, span: this.#span(node), format, turns };
    this.#setId(conversation, node);
    if (labelled) this.#setLabels(conversation, node);
    return conversation;
  }

  #guessFormat(messages: Node, anthropic: boolean): TranscriptFormat {
    if (anthropic) return TranscriptFormat.anthropic;
    for (const m of messages.children ?? []) if (prop(m, 'from')) return TranscriptFormat.sharegpt;
    return TranscriptFormat.openai;
  }

  #setId(conversation: Mutable<Conversation>, node: Node): void {
    const id = prop(node, 'id');
    if (id?.type === 'string' || id?.type === 'number') conversation.id = String(id.value);
  }

  #setLabels(conversation: Mutable<Conversation>, node: Node): void {
    const target = prop(node, 'target_turn');
    if (target?.type === 'number') conversation.targetTurn = target.value as number;
    const label = prop(node, 'label');
    if (label?.type === 'string') conversation.label = label.value as string;
    const hint = prop(node, 'principle_hint');
    if (hint?.type === 'string') conversation.principleHint = hint.value as string;
    if (this.#withoutMeta) return;
    const meta = prop(node, 'meta');
    if (meta?.type === 'object') conversation.meta = this.#plain(meta) as Record<string, unknown>;
  }

  /**
   * A preference pair. A side is a text transcript in a string (hh-rlhf), a message whose content is
   * a whole text transcript (it then repeats the context, so the context is not added again), a
   * message, or an array of messages; the pair's `context` comes before it and `<side>_rest` after.
   */
  #pair(node: Node, index: number): Conversation[] {
    const out: Conversation[] = [];
    const context = prop(node, 'context');
    // Read once: both sides hold the same turns, which are then checked once.
    let contextTurns: Turn[] | undefined;
    for (const side of ['chosen', 'rejected'] as const) {
      const value = prop(node, side)!;
      let turns: Turn[] = [];
      const content = value.type === 'object' ? prop(value, 'content') : undefined;
      const transcript = value.type === 'string' ? value : content?.type === 'string' && isTextTranscript(content.value as string) ? content : undefined;
      if (transcript) {
        const parsed = parseTextTurns(this.#text(transcript));
        this.problems.push(...parsed.problems);
        turns = parsed.turns;
      } else {
        if (context?.type === 'array') turns.push(...(contextTurns ??= this.#messages(context.children ?? []).turns));
        const items = value.type === 'object' ? [value] : value.type === 'array' ? (value.children ?? []) : [];
        turns.push(...this.#messages(items, turns.length).turns);
      }
      const rest = prop(node, `${side}_rest`);
      if (rest?.type === 'array') turns.push(...this.#messages(rest.children ?? [], turns.length).turns);
      const conversation: Mutable<Conversation> = { index, span: this.#span(node), format: TranscriptFormat.hhPair, side, turns: reindex(turns) };
      this.#setId(conversation, node);
      out.push(conversation);
    }
    return out;
  }

  #messages(items: readonly Node[], first = 0): { turns: Turn[]; anthropic: boolean } {
    const turns: Turn[] = [];
    let anthropic = false;
    for (const m of items) {
      if (m.type !== 'object') {
        this.problems.push(problem('transcript.unknown-shape', 'Expected a message object.', this.#span(m), 'warning'));
        continue;
      }
      const turn = this.#message(m, first + turns.length);
      if (turn) {
        turns.push(turn.turn);
        anthropic ||= turn.anthropic;
      }
    }
    return { turns, anthropic };
  }

  #message(m: Node, index: number): { turn: Turn; anthropic: boolean } | undefined {
    const roleNode = prop(m, 'role') ?? prop(m, 'from');
    const contentNode = prop(m, 'content') ?? prop(m, 'value');
    const roleLabel = roleNode?.type === 'string' ? (roleNode.value as string) : '';
    let role = roleOf(roleLabel);
    if (!role) {
      this.problems.push(
        problem(
          'transcript.unknown-role',
          roleNode ? `Unknown role "${roleLabel}"; read as a user turn.` : 'This message has no role; read as a user turn.',
          this.#span(roleNode ?? m),
          'warning',
        ),
      );
      role = 'user';
    }
    const { blocks, anthropic } = contentNode ? this.#content(contentNode) : { blocks: [] as ContentBlock[], anthropic: false };
    const toolCalls = prop(m, 'tool_calls');
    for (const call of toolCalls?.type === 'array' ? (toolCalls.children ?? []) : []) blocks.push(this.#toolCall(call));
    const functionCall = prop(m, 'function_call');
    if (functionCall?.type === 'object') blocks.push(this.#toolCall(functionCall, functionCall));
    if (blocks.length === 0) {
      const at = this.#base + m.offset + m.length - 1;
      blocks.push({ type: 'text', text: { text: '', toSource: () => at }, span: { start: at, end: at } });
    }
    const roleProperty = roleNode?.parent;
    const turn: Mutable<Turn> = { index, role, roleLabel, span: this.#span(m), blocks, notes: this.#notes(m) };
    if (roleProperty) turn.roleSpan = this.#span(roleProperty);
    return { turn, anthropic };
  }

  #notes(m: Node): Note[] {
    const notes: Note[] = [];
    const note = prop(m, 'note');
    if (note?.type === 'string') notes.push(makeNote(this.#text(note), this.#span(note.parent ?? note)));
    const list = prop(m, 'notes');
    for (const n of list?.type === 'array' ? (list.children ?? []) : []) if (n.type === 'string') notes.push(makeNote(this.#text(n), this.#span(n)));
    return notes;
  }

  /** OpenAI's `{function: {name, arguments}}` (or a bare legacy `function_call`): the arguments as written. */
  #toolCall(call: Node, fn: Node | undefined = prop(call, 'function')): ContentBlock {
    const name = fn ? prop(fn, 'name') : undefined;
    const args = fn ? prop(fn, 'arguments') : undefined;
    const text = args?.type === 'string' ? this.#text(args) : args ? this.#raw(args) : this.#emptyAt(call.offset);
    return named({ type: 'tool_call', text, span: this.#span(call) }, name);
  }

  #content(node: Node): { blocks: ContentBlock[]; anthropic: boolean } {
    if (node.type === 'string') {
      const text = this.#text(node);
      return { blocks: [{ type: 'text', text, span: this.#inner(node) }], anthropic: false };
    }
    if (node.type !== 'array') {
      if (node.type !== 'null') this.problems.push(problem('transcript.unknown-shape', 'Expected a string or an array of content blocks.', this.#span(node), 'warning'));
      return { blocks: [], anthropic: false };
    }
    const blocks: ContentBlock[] = [];
    let anthropic = false;
    for (const b of node.children ?? []) {
      if (b.type === 'string') {
        blocks.push({ type: 'text', text: this.#text(b), span: this.#inner(b) });
        continue;
      }
      if (b.type !== 'object') continue;
      const typeNode = prop(b, 'type');
      const type = typeNode?.type === 'string' ? (typeNode.value as string) : 'text';
      if (anthropicBlockTypes.has(type) || (type === 'image' && prop(b, 'source'))) anthropic = true;
      const name = prop(b, 'name');
      if (type === 'tool_use') {
        const input = prop(b, 'input');
        blocks.push(named({ type, text: input ? this.#raw(input) : this.#emptyAt(b.offset), span: this.#span(b) }, name));
        continue;
      }
      if (type === 'tool_result') {
        const content = prop(b, 'content');
        const inner = content ? this.#content(content).blocks : [];
        if (inner.length === 0) blocks.push({ type, text: this.#emptyAt(b.offset), span: this.#span(b) });
        for (const i of inner) blocks.push({ ...i, type });
        continue;
      }
      const textNode = prop(b, type === 'thinking' ? 'thinking' : 'text') ?? prop(b, 'text');
      const text = textNode?.type === 'string' ? this.#text(textNode) : this.#emptyAt(b.offset);
      blocks.push(named({ type, text, span: textNode?.type === 'string' ? this.#inner(textNode) : this.#span(b) }, name));
    }
    return { blocks, anthropic };
  }

  /**
   * The plain value of a node, as `JSON.parse` of its slice gives it: native, fast, and ordinary
   * objects (a later duplicate key winning, `__proto__` an own key). Every node the scanner made
   * parses alone; a node of a file with syntax errors may not, and then jsonc-parser's value is used.
   */
  #plain(node: Node): unknown {
    try {
      return JSON.parse(this.#source.slice(node.offset, node.offset + node.length));
    } catch {
      return { ...(getNodeValue(node) as object) };
    }
  }

  #text(node: Node): MappedText {
    if (node instanceof ScannedNode) return validJsonStringText(this.#source, node.offset, node.length, node.escaped, this.#base);
    return jsonStringText(this.#source, node.offset, node.length, this.#base);
  }

  #span(node: Node): Span {
    return { start: this.#base + node.offset, end: this.#base + node.offset + node.length };
  }

  #inner(node: Node): Span {
    const s = innerSpan(node);
    return { start: this.#base + s.start, end: this.#base + s.end };
  }

  #emptyAt(at: number): MappedText {
    return emptyAt(this.#base + at);
  }

  #raw(node: Node): MappedText {
    const start = this.#base + node.offset;
    return { text: this.#source.slice(start, start + node.length), toSource: (o) => start + o };
  }
}

/** A content string that is itself a text transcript in the hh-rlhf manner. */
function isTextTranscript(s: string): boolean {
  return /^\s*Human:/.test(s) && /\n\s*Assistant:/.test(s);
}

/** The block with the tool name of a `name` string node, when there is one. */
function named(block: Mutable<ContentBlock>, name: Node | undefined): ContentBlock {
  if (name?.type === 'string') block.name = name.value as string;
  return block;
}

/**
 * `turns` numbered from 0 in order: the list itself when they already are, else a copy built by
 * pushing. A copy made by `map` is a holey array, of another kind than every other conversation's
 * turns, and the checking loop, compiled for the one kind, was undone by the other.
 */
function reindex(turns: Turn[]): Turn[] {
  if (turns.every((t, i) => t.index === i)) return turns;
  const out: Turn[] = [];
  turns.forEach((t, i) => out.push(t.index === i ? t : { ...t, index: i }));
  return out;
}

function emptyAt(at: number): MappedText {
  return { text: '', toSource: () => at };
}

/** The value of an object's property `key`, if the node is an object that has it. */
export function prop(node: Node | undefined, key: string): Node | undefined {
  if (node instanceof ScannedNode) return node.property(key);
  if (node?.type !== 'object' || !node.children) return undefined;
  for (const p of node.children) {
    const k = p.children?.[0];
    if (k && k.value === key) return p.children?.[1];
  }
  return undefined;
}

export function nodeSpan(node: Node): Span {
  return { start: node.offset, end: node.offset + node.length };
}

/** The inside of a string literal, without its quotes. */
function innerSpan(node: Node): Span {
  const t = node.length >= 2 ? 1 : 0;
  return { start: node.offset + t, end: node.offset + node.length - t };
}
