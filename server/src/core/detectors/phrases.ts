/**
 * Phrases as regular expression sources: whole words, any run of whitespace for a space, any
 * apostrophe for an apostrophe. Case folding comes from the `i` flag of the expression they join.
 */

const apostrophes = "'\u2019\u2018\u02bc";
const apostropheClass = `['\u2019\u2018\u02bc]`;
/** Letters beyond ASCII that count as word characters, so that a phrase does not match inside "café". */
const wordClass = 'A-Za-z0-9_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff';
const asciiWord = /[A-Za-z0-9_]/;
const word = new RegExp(`[${wordClass}]`);

/** A regular expression source that matches the phrase as written, as whole words. */
export function phraseSource(phrase: string): string {
  const p = phrase.trim().replace(/\s+/g, ' ');
  let body = '';
  for (const ch of p) {
    if (ch === ' ') body += '\\s+';
    else if (apostrophes.includes(ch)) body += apostropheClass;
    else body += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  const first = p[0] ?? '';
  const last = p[p.length - 1] ?? '';
  const lead = asciiWord.test(first) ? '\\b' : word.test(first) ? `(?<![${wordClass}])` : '';
  const trail = asciiWord.test(last) ? '\\b' : word.test(last) ? `(?![${wordClass}])` : '';
  return lead + body + trail;
}

/** One source matching any of the phrases, longest first so that a longer phrase wins at a place. */
export function phrasesSource(phrases: readonly string[]): string {
  const sorted = [...new Set(phrases.map((p) => p.trim().replace(/\s+/g, ' ')))].sort((a, b) => b.length - a.length);
  return sorted.map(phraseSource).join('|');
}
