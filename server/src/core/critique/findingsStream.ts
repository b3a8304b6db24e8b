/**
 * Reads a critique answer while it streams, so that each finding can be shown as soon as its JSON
 * object is complete rather than when the whole answer has arrived. It scans each character once,
 * keeping only the nesting, string and key state it needs; the complete text is parsed again at the end.
 */

const Container = { object: 0, array: 1 } as const;
type Container = (typeof Container)[keyof typeof Container];

/** Emits each completed element of the top-level `findings` array of a streamed JSON object. */
export class FindingsStream {
  #text = '';
  #pos = 0;
  readonly #stack: Container[] = [];
  #inString = false;
  #escape = false;
  /** Where the current string began, when it is a key of the top-level object. */
  #keyStart = -1;
  /** True in the top-level object where the next string is a key (after `{` or `,`). */
  #expectKey = false;
  #lastKey = '';
  /** Depth of the `findings` array in the stack, or -1 when not inside it. */
  #findingsDepth = -1;
  #elementStart = -1;

  /** The text received so far. */
  get text(): string {
    return this.#text;
  }

  /** Adds a piece of the answer; returns the finding elements it completed, parsed, in order. */
  push(delta: string): unknown[] {
    this.#text += delta;
    const out: unknown[] = [];
    const t = this.#text;
    for (; this.#pos < t.length; this.#pos++) {
      const c = t[this.#pos];
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (c === '\\') this.#escape = true;
        else if (c === '"') {
          this.#inString = false;
          if (this.#keyStart >= 0) {
            this.#lastKey = safeParseString(t.slice(this.#keyStart, this.#pos + 1));
            this.#keyStart = -1;
            this.#expectKey = false;
          }
        }
        continue;
      }
      switch (c) {
        case '"':
          this.#inString = true;
          if (this.#stack.length === 1 && this.#expectKey) this.#keyStart = this.#pos;
          break;
        case '{':
        case '[':
          if (this.#findingsDepth >= 0 && this.#stack.length === this.#findingsDepth && this.#elementStart < 0) {
            this.#elementStart = this.#pos;
          }
          this.#stack.push(c === '{' ? Container.object : Container.array);
          if (this.#stack.length === 1) this.#expectKey = true;
          else if (this.#stack.length === 2 && c === '[' && this.#lastKey === 'findings') this.#findingsDepth = 2;
          break;
        case '}':
        case ']':
          this.#stack.pop();
          if (this.#findingsDepth >= 0 && this.#stack.length === this.#findingsDepth && this.#elementStart >= 0) {
            out.push(safeParse(t.slice(this.#elementStart, this.#pos + 1)));
            this.#elementStart = -1;
          } else if (this.#findingsDepth >= 0 && this.#stack.length < this.#findingsDepth) {
            this.#findingsDepth = -1;
          }
          break;
        case ',':
          if (this.#stack.length === 1) this.#expectKey = true;
          break;
        default:
          break;
      }
    }
    return out;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeParseString(text: string): string {
  const v = safeParse(text);
  return typeof v === 'string' ? v : '';
}
