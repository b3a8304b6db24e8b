/**
 * Damaged copies of the project's own real-format fixtures and examples, for the tests that hold
 * the parsers and the server to their word on bad input. The damage is seeded, so a failing round
 * replays.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files of `dir` (not below it) whose names pass `keep`, as [name, text]. */
function filesIn(dir: string, keep: (name: string) => boolean): [string, string][] {
  return readdirSync(dir)
    .filter((name) => keep(name) && statSync(join(dir, name)).isFile())
    .map((name) => [name, readFileSync(join(dir, name), 'utf8')]);
}

export const isConstitution = (name: string) => /\.constitution\.(md|ya?ml|json)$/.test(name);
/** Every transcript fixture and example, one file of each format the project reads and more. */
export const transcripts: [string, string][] = [
  ...filesIn(join('test', 'fixtures', 'formats'), (n) => n !== 'README.md'),
  ...filesIn(join('test', 'fixtures', 'transcripts'), () => true),
  ...filesIn('examples', (n) => !isConstitution(n) && !n.endsWith('.eval')),
];
/** Every constitution fixture and example: Markdown, YAML and JSON. */
export const constitutions: [string, string][] = [
  ...filesIn(join('test', 'fixtures', 'constitutions'), isConstitution),
  ...filesIn('examples', isConstitution),
  ...filesIn('constitutions', isConstitution),
];

/** What a damaged file is given: the characters and tokens that readers of JSON, Markdown and text turn on. */
const insertions = [
  '"', '\\', '\\u', '\\ud800', '\\u12', '{', '}', '[', ']', ',', ':', '\n', '\r\n', '\r', '\u2028', '\uFEFF', '\uD83D', '\u0000',
  '"role"', '"content"', '"messages"', '"type": "text"', 'null', '[]', '{}', '-0.5e', 'true',
  '## Assistant\n', '\nAssistant:', '\nUser: ', '\nNote: [[', '[[x]]', '[[a#b]]', '```rules\n', '```\n', '---\n', ' {#a priority=1}', '\n# ',
];

/** Up to four seeded damages of `text`: an insertion, a cut, a truncation, a copied stretch, a changed character. */
export function damage(text: string, random: (n: number) => number): string {
  let s = text;
  for (let k = 1 + random(4); k > 0; k--) {
    const at = random(s.length + 1);
    const kind = random(5);
    if (kind === 0) s = s.slice(0, at) + insertions[random(insertions.length)] + s.slice(at);
    else if (kind === 1) s = s.slice(0, at) + s.slice(at + 1 + random(24));
    else if (kind === 2) s = s.slice(0, at);
    else if (kind === 3) {
      const from = random(s.length + 1);
      s = s.slice(0, at) + s.slice(from, from + random(48)) + s.slice(at);
    } else s = s.slice(0, at) + String.fromCharCode(random(0x10000)) + s.slice(at + 1);
  }
  return s;
}

