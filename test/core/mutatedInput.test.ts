/**
 * Damaged files, as people hold them: the project's own real-format fixtures and examples cut short,
 * spliced, with stray quotes, escapes, lone surrogates and brackets put in, read by the same parsers
 * and detectors the server and the command line run. Whatever the damage, reading never throws,
 * every place it reports lies inside the text, and what cannot be read says so: a file or a JSONL
 * line that yields no conversation carries a problem, and a JSONL line that is not JSON an error.
 * The mutations are seeded, so a failure names the seed and round that replay it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { checkTranscript, compileRuleset, type Ruleset } from '../../server/src/core/detectors/index.ts';
import type { Span } from '../../server/src/core/text.ts';
import type { Transcript } from '../../server/src/core/transcript/model.ts';
import { isJsonlFileName, parseTranscript } from '../../server/src/core/transcript/parse.ts';
import { constitutions, damage, transcripts } from '../support/damagedFiles.ts';
import { randomFrom } from '../support/random.ts';

const rounds = 400;

function assertInside(span: Span | undefined, length: number, what: string): void {
  if (!span) return;
  assert.ok(0 <= span.start && span.start <= span.end && span.end <= length, `${what} ${JSON.stringify(span)} lies inside a text of ${length}`);
}

/** Every place the transcript and its findings name lies inside the text. */
function assertPlaces(t: Transcript, ruleset: Ruleset, text: string): void {
  const n = text.length;
  for (const p of t.problems) assertInside(p.span, n, `problem "${p.message}"`);
  for (const c of t.conversations) {
    assertInside(c.span, n, 'conversation');
    for (const turn of c.turns) {
      assertInside(turn.span, n, 'turn');
      assertInside(turn.roleSpan, n, 'role');
      for (const b of turn.blocks) {
        assertInside(b.span, n, `${b.type} block`);
        assertInside({ start: b.text.toSource(0), end: b.text.toSource(b.text.text.length) }, n, `${b.type} block's text`);
      }
      for (const note of turn.notes) {
        assertInside(note.span, n, 'note');
        for (const c2 of note.citations) {
          assertInside(c2.span, n, 'citation');
          assertInside(c2.idSpan, n, "citation's id");
        }
      }
    }
  }
  for (const f of checkTranscript(t, ruleset)) assertInside(f.span, n, `finding of ${f.rule}`);
}

const starter = compileRuleset([
  { uri: 'file:///c/starter.constitution.md', constitution: parseConstitution(readFileSync(join('constitutions', 'starter.constitution.md'), 'utf8'), 'starter.constitution.md') },
]);

test('the fixtures to damage are there: every transcript format and constitution kind the project reads', () => {
  assert.ok(transcripts.length >= 20, `transcripts: ${transcripts.map(([n]) => n).join(', ')}`);
  assert.ok(transcripts.some(([n]) => isJsonlFileName(n)));
  for (const ext of ['.md', '.yaml', '.json']) assert.ok(constitutions.some(([n]) => n.endsWith(`.constitution${ext}`)), `a ${ext} constitution`);
});

test('a damaged transcript of any format reads without throwing, every place inside the text, and what reads as nothing says why', () => {
  const random = randomFrom(41);
  for (let round = 0; round < rounds; round++) {
    const [name, original] = transcripts[random(transcripts.length)];
    const text = damage(original, random);
    const at = `round ${round}, ${name}`;
    let t: Transcript;
    try {
      t = parseTranscript(text, name);
      assertPlaces(t, starter, text);
    } catch (e) {
      assert.fail(`${at}: ${(e as Error).stack}\n--- the damaged text ---\n${text.slice(0, 2000)}`);
    }
    if (text.trim() !== '' && t.conversations.length === 0) assert.ok(t.problems.length > 0, `${at}: no conversation and no problem`);
    if (!isJsonlFileName(name)) continue;
    // Each line that is not JSON is an error at that line; the lines around it are still read.
    let lineStart = 0;
    for (const line of text.split('\n')) {
      const end = lineStart + line.length;
      let json = true;
      try {
        JSON.parse(line);
      } catch {
        json = line.trim() === '';
      }
      if (!json) {
        const here = t.problems.filter((p) => p.severity === 'error' && p.span.start >= lineStart && p.span.start <= end);
        assert.ok(here.length > 0, `${at}: the line at ${lineStart} is not JSON and has no error: ${line.slice(0, 200)}`);
      }
      lineStart = end + 1;
    }
  }
});

test('a damaged constitution parses and compiles without throwing, its problems inside the text', () => {
  const random = randomFrom(43);
  for (let round = 0; round < rounds; round++) {
    const [name, original] = constitutions[random(constitutions.length)];
    const text = damage(original, random);
    try {
      const c = parseConstitution(text, name);
      for (const p of c.problems) assertInside(p.span, text.length, `problem "${p.message}"`);
      for (const clause of c.clauses) {
        assertInside(clause.span, text.length, `clause ${clause.id}`);
        assertInside(clause.idSpan, text.length, `id of ${clause.id}`);
      }
      const ruleset = compileRuleset([{ uri: `file:///c/${name}`, constitution: c }]);
      for (const p of ruleset.problems) assertInside(p.problem.span, text.length, `rule problem "${p.problem.message}"`);
    } catch (e) {
      assert.fail(`round ${round}, ${name}: ${(e as Error).stack}\n--- the damaged text ---\n${text.slice(0, 2000)}`);
    }
  }
});
