/**
 * What a file that yields no conversation holds, in a few words ("a JSON object with keys name,
 * version, scripts"), and the shapes a transcript may take: what `check` says of a file it could
 * not read as a transcript, so that nothing unreadable passes in silence.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { jsonSyntaxMessage } from '../jsonSyntax.ts';
import { LineIndex } from '../text.ts';
import { jsonValueFormats } from './formats.ts';
import { detectKind, FileKind } from './parse.ts';

/** The shapes a transcript may take, as a reader would look for them: the format table's, then the files'. */
export function knownTranscriptShapes(): string {
  const files = [
    'one of these per line in JSONL',
    'Inspect `.eval` logs (`samples/<id>_epoch_<n>.json`)',
    'text turns (`User:`, `Assistant:` at a line start)',
    'Markdown turns (`## User`, `## Assistant`)',
    'prompts (`*.prompt.md`, `*.prompty`)',
  ];
  return [...jsonValueFormats.map((f) => `${f.name} (${f.keys})`), ...files].join('; ');
}

const keysShown = 8;

/** What a file holds, for a file that yielded no conversation. */
export function describeContent(text: string, fileName: string): string {
  if (text.trim() === '') return 'an empty file';
  switch (detectKind(fileName, text)) {
    case FileKind.json:
      return describeJsonText(text);
    case FileKind.jsonl: {
      const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
      return `lines of JSON such as ${describeJsonText(first)}`;
    }
    case FileKind.markdown:
      return 'Markdown with no turn headings (`## User`, `## Assistant`, ...)';
    default:
      return 'text with no turn labels (`User:`, `Assistant:`, ... at a line start)';
  }
}

/** One JSON text in a few words: its kind and, for an object, its first keys; or where it is broken. */
export function describeJsonText(text: string): string {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0];
    const at = new LineIndex(text).positionAt(e.offset);
    return `invalid JSON (${jsonSyntaxMessage(e.error)}, line ${at.line + 1} column ${at.character + 1})`;
  }
  return root ? describeJsonNode(root) : 'no JSON value';
}

function describeJsonNode(node: Node, depth = 0): string {
  switch (node.type) {
    case 'object': {
      const keys = (node.children ?? []).map((p) => String(p.children?.[0]?.value));
      if (keys.length === 0) return 'an empty JSON object';
      const more = keys.length > keysShown ? ` and ${keys.length - keysShown} more` : '';
      return `a JSON object with ${keys.length === 1 ? 'key' : 'keys'} ${keys.slice(0, keysShown).join(', ')}${more}`;
    }
    case 'array': {
      const items = node.children ?? [];
      if (items.length === 0) return 'an empty JSON array';
      const first = depth === 0 ? `, the first ${describeJsonNode(items[0], depth + 1)}` : '';
      return `a JSON array of ${items.length} ${items.length === 1 ? 'item' : 'items'}${first}`;
    }
    case 'string':
      return 'a JSON string';
    case 'number':
      return 'a JSON number';
    case 'boolean':
      return 'a JSON boolean';
    default:
      return 'JSON null';
  }
}
