import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { checkConstitution } from '../../server/src/core/constitution/checkConstitution.ts';
import type { Constitution } from '../../server/src/core/constitution/model.ts';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { corpusFiles, corpusSkip, readCorpus } from '../support/corpus.ts';

function load(name: string): { text: string; c: Constitution } {
  const path = corpusFiles('constitutions').find((p) => basename(p) === name);
  assert.ok(path, `${name} is in the corpus`);
  const text = readCorpus(path);
  return { text, c: parseConstitution(text, path) };
}

/** Headings outside fenced code, as `[level, text]`; the corpus files fence with ``` and ~~~ only. */
function headingsOf(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f && (fence === undefined || (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]))) {
      fence = fence === undefined ? f[1] : undefined;
      continue;
    }
    const h = fence === undefined ? /^(#{1,6})\s+(.*?)\s*$/.exec(line) : null;
    if (h) out.push([h[1].length, h[2]]);
  }
  return out;
}

function assertSpansExact(text: string, c: Constitution, titles: boolean): void {
  for (const clause of c.clauses) {
    if (clause.idSpan) assert.equal(text.slice(clause.idSpan.start, clause.idSpan.end), clause.id);
    if (titles) assert.equal(text.slice(clause.titleSpan.start, clause.titleSpan.end), clause.title);
    for (const r of clause.references) assert.equal(text.slice(r.idSpan.start, r.idSpan.end), r.targetId);
  }
}

test('every corpus constitution parses without errors and passes its checks', { skip: corpusSkip }, () => {
  const files = corpusFiles('constitutions');
  assert.ok(files.length >= 5);
  for (const path of files) {
    const text = readCorpus(path);
    const c = parseConstitution(text, path);
    const errors = [...c.problems, ...checkConstitution(c)].filter((p) => p.severity === 'error');
    assert.deepEqual(errors, [], basename(path));
    assert.ok(c.clauses.length > 0, basename(path));
    assertSpansExact(text, c, c.format === 'markdown');
  }
});

test('the Model Spec yields every {#id} clause with its authority', { skip: corpusSkip }, () => {
  const { text, c } = load('openai-model-spec-2025-12-18.md');
  const anchored = headingsOf(text).filter(([, h]) => /\{#[^}]*\}$/.test(h));
  const explicit = c.clauses.filter((x) => x.explicitId);
  assert.ok(anchored.length >= 70);
  assert.equal(explicit.length, anchored.length);
  assert.deepEqual(
    explicit.map((x) => x.id),
    anchored.map(([, h]) => /\{#([^\s}]+)/.exec(h)?.[1]),
  );
  const withAuthority = anchored.filter(([, h]) => / authority=/.test(h)).length;
  assert.equal(c.clauses.filter((x) => x.attributes.some((a) => a.key === 'authority')).length, withAuthority);
  assert.equal(c.order?.kind, 'authority');
  const byId = new Map(c.clauses.map((x) => [x.id, x]));
  assert.deepEqual([byId.get('do_not_lie')?.title, byId.get('do_not_lie')?.priority, byId.get('do_not_lie')?.rank], ['Do not lie', 'user', 3]);
  assert.deepEqual([byId.get('letter_and_spirit')?.priority, byId.get('letter_and_spirit')?.rank], ['root', 0]);
  assert.equal(byId.get('no_topic_off_limits')?.priority, 'guideline');
  assert.equal(byId.get('chain_of_command')?.level, 1);
  assert.equal(byId.get('chain_of_command')?.priority, undefined);
  assert.equal(byId.get('be_honest_and_transparent')?.parent, c.clauses.indexOf(byId.get('seek_truth') as never));
  const refs = c.clauses.flatMap((x) => x.references);
  assert.ok(refs.length > 50);
  assert.ok(refs.some((r) => r.targetId === 'chain_of_command'));
});

test('Claude\'s 2026 constitution yields its heading tree, its order and its hard constraints', { skip: corpusSkip }, () => {
  const { text, c } = load('claude-constitution-2026.md');
  const headings = headingsOf(text);
  assert.deepEqual(c.clauses.map((x) => [x.level, x.title]), headings);
  for (let i = 0; i < c.clauses.length; i++) {
    const x = c.clauses[i];
    let expectedParent = i - 1;
    while (expectedParent >= 0 && c.clauses[expectedParent].level >= x.level) expectedParent--;
    assert.equal(x.parent ?? -1, expectedParent, x.title);
    assert.deepEqual(x.children, c.clauses.flatMap((y, j) => (y.parent === i ? [j] : [])));
  }
  assert.deepEqual(c.order?.levels.map((l) => l.name), ['broadly-safe', 'broadly-ethical', 'guidelines', 'helpful']);
  const byTitle = new Map(c.clauses.map((x) => [x.title, x]));
  assert.equal(byTitle.get('Being broadly safe')?.priority, 'broadly-safe');
  assert.equal(byTitle.get('Safe behaviors')?.priority, 'broadly-safe');
  assert.equal(byTitle.get('Being honest')?.rank, 1);
  assert.equal(byTitle.get("Following Anthropic's guidelines")?.priority, 'guidelines');
  assert.equal(byTitle.get('Why helpfulness is one of Claude\'s most important traits')?.priority, 'helpful');
  assert.equal(byTitle.get("Claude's nature")?.priority, undefined);
  const hard = c.clauses.filter((x) => x.hardConstraint);
  assert.deepEqual(hard.map((x) => x.id), ['hard-constraints']);
  assert.match(hard[0].text, /Claude should never/);
});

test('the paper\'s critique/revision file yields 16 named pairs', { skip: corpusSkip }, () => {
  const { text, c } = load('cai-paper-CritiqueRevisionInstructions.json');
  const raw = JSON.parse(text) as Record<string, { prompt: string[]; edit_request: string }>;
  assert.equal(c.format, 'cai-pairs');
  assert.equal(c.clauses.length, 16);
  assert.deepEqual(c.clauses.map((x) => x.id), Object.keys(raw));
  for (const x of c.clauses) {
    assert.ok(x.critique && x.revision, x.id);
    assert.ok(raw[x.id].prompt[0].includes(x.critique), x.id);
    assert.ok(raw[x.id].edit_request.includes(x.revision), x.id);
    assert.equal(JSON.parse(`"${text.slice(x.textSpan.start, x.textSpan.end)}"`), x.critique);
  }
  assertSpansExact(text, c, true);
});

test('the paper\'s preference file yields 16 numbered principles', { skip: corpusSkip }, () => {
  const { text, c } = load('cai-paper-RLMadisonInstructions.json');
  const raw = JSON.parse(text) as string[];
  assert.equal(c.format, 'cai-principles');
  assert.deepEqual(c.clauses.map((x) => x.id), raw.map((_, i) => `principle-${i + 1}`));
  c.clauses.forEach((x, i) => {
    assert.ok(x.critique && raw[i].includes(x.critique));
    assert.equal(JSON.parse(`"${text.slice(x.textSpan.start, x.textSpan.end)}"`), x.text);
  });
});

test('the 2023 principles yield their sections', { skip: corpusSkip }, () => {
  const { text, c } = load('claude-constitution-2023-principles.md');
  assert.deepEqual(c.clauses.map((x) => [x.level, x.title]), headingsOf(text));
  assert.equal(c.order, undefined);
});

/** A structured clone of a parsed constitution, as `check` posts it to a worker thread, is equal to it: no class, no function. */
function assertPlain(text: string, name: string): void {
  const c = parseConstitution(text, name);
  assert.ok(c.clauses.length > 0, name);
  assert.deepStrictEqual(structuredClone(c), c, name);
}

test('the starter constitution, parsed, is plain data', () => {
  assertPlain(readFileSync('constitutions/starter.constitution.md', 'utf8'), 'starter.constitution.md');
});

test('every corpus constitution, parsed, is plain data', { skip: corpusSkip }, () => {
  for (const path of corpusFiles('constitutions')) assertPlain(readCorpus(path), basename(path));
});
