/**
 * JSON syntax errors in plain words. jsonc-parser names its errors by code (`PropertyNameExpected`,
 * `InvalidSymbol`); those names mean nothing to a reader of a transcript or a constitution, so every
 * message that reaches a user says what was expected or found instead.
 */
import { printParseErrorCode, type ParseErrorCode } from 'jsonc-parser';

// Keyed by the code's name: jsonc-parser's codes are a `const enum`, which an isolated module cannot read.
const plain: Record<string, string> = {
  InvalidSymbol: 'a character that cannot stand here',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected here',
  ValueExpected: 'a value was expected here',
  ColonExpected: 'a colon was expected here',
  CommaExpected: 'a comma was expected here',
  CloseBraceExpected: 'a closing brace } was expected here',
  CloseBracketExpected: 'a closing bracket ] was expected here',
  EndOfFileExpected: 'the JSON value has already ended; nothing more may follow it',
  InvalidCommentToken: 'a comment that is not well formed',
  UnexpectedEndOfComment: 'a comment that is never closed',
  UnexpectedEndOfString: 'a string that is never closed',
  UnexpectedEndOfNumber: 'a number that stops short',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape after a backslash',
  InvalidCharacter: 'a control character inside a string (write it as an escape such as \\n)',
};

/** A jsonc-parser error code in plain words, without a capital or a full stop. */
export function jsonSyntaxMessage(code: ParseErrorCode): string {
  return plain[printParseErrorCode(code)] ?? 'the JSON is not well formed here';
}
