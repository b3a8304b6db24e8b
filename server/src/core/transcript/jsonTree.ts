/** A whole JSON text as a tree with offsets, tolerant of errors, and jsonc-parser's error codes in words. */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { problem, type Problem } from '../problem.ts';

/** `InvalidSymbol` to `invalid symbol`. */
export function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * The tree of a JSON text through jsonc-parser (comments and trailing commas allowed), and each
 * syntax error as a `json.syntax` problem at its place; what parses is kept.
 */
export function jsonTreeWithJsonc(text: string): { readonly root: Node | undefined; readonly problems: Problem[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: false, allowTrailingComma: true });
  const problems = errors.map((e) =>
    problem('json.syntax', `Invalid JSON: ${describe(printParseErrorCode(e.error))}.`, { start: e.offset, end: e.offset + Math.max(1, e.length) }),
  );
  return { root, problems };
}
