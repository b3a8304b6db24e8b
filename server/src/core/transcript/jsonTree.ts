/** A whole JSON text as a tree with offsets, tolerant of errors, its syntax errors in plain words. */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { jsonSyntaxMessage } from '../jsonSyntax.ts';
import { problem, syntaxErrorSpan, type Problem } from '../problem.ts';

/**
 * The tree of a JSON text through jsonc-parser (comments and trailing commas allowed), and each
 * syntax error as a `json.syntax` problem at its place; what parses is kept.
 */
export function jsonTreeWithJsonc(text: string): { readonly root: Node | undefined; readonly problems: Problem[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: false, allowTrailingComma: true });
  const problems = errors.map((e) =>
    problem('json.syntax', `Invalid JSON: ${jsonSyntaxMessage(e.error)}.`, syntaxErrorSpan(e.offset, e.length, text.length)),
  );
  return { root, problems };
}
