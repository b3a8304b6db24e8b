import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import {
  createRegistry,
  fixturesDir,
  lineDiff,
  loadOniguruma,
  readManifest,
  renderSnapshot,
  root,
  scopeForFile,
  tokenize,
  type Token,
} from './textmate.ts';
import { corpusFiles, corpusSkip, readCorpus } from '../support/corpus.ts';

const manifest = readManifest();
const registry = createRegistry(manifest);
const updating = process.env.UPDATE_SNAPSHOTS === '1';
/** CI sets `CI` (to `true`); there a missing snapshot fails rather than being written. */
const inCi = (process.env.CI ?? '') !== '' && !['0', 'false'].includes(process.env.CI!.toLowerCase());

async function grammarFor(scopeName: string) {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `no grammar for ${scopeName}`);
  return grammar;
}

/** The token that starts where the `occurrence`-th `needle` starts in `text`. */
async function tokenAt(scopeName: string, text: string, needle: string, occurrence = 1): Promise<Token> {
  let offset = -1;
  for (let n = 0; n < occurrence; n++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${JSON.stringify(needle)} is not in the text`);
  const line = text.slice(0, offset).split('\n').length - 1;
  const column = offset - (text.lastIndexOf('\n', offset - 1) + 1);
  const token = tokenize(await grammarFor(scopeName), text).find((t) => t.line === line && t.start === column);
  assert.ok(token, `no token starts at ${JSON.stringify(needle)}`);
  return token;
}

async function assertScope(scopeName: string, text: string, needle: string, scope: string, occurrence = 1) {
  const token = await tokenAt(scopeName, text, needle, occurrence);
  assert.equal(token.text, needle);
  assert.ok(token.scopes.includes(scope), `${JSON.stringify(needle)} has ${token.scopes.join(' ')}, not ${scope}`);
}

async function assertNoScope(scopeName: string, text: string, needle: string, prefix: string) {
  const tokens = tokenize(await grammarFor(scopeName), text);
  const offending = tokens.filter((t) => t.text.includes(needle) && t.scopes.some((s) => s.startsWith(prefix)));
  assert.deepEqual(offending, [], `${JSON.stringify(needle)} should have no ${prefix} scope`);
}

const fixtures = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((e) => e.isFile() && !e.name.endsWith('.snap'))
  .map((e) => e.name)
  .sort();

for (const name of fixtures) {
  test(`grammar snapshot: ${name}`, async (t) => {
    const scopeName = scopeForFile(name, manifest);
    assert.ok(scopeName, `no grammar is associated with ${name}`);
    const actual = renderSnapshot(scopeName, tokenize(await grammarFor(scopeName), readFileSync(join(fixturesDir, name), 'utf8')));
    const snapPath = join(fixturesDir, `${name}.snap`);
    if (!updating && !existsSync(snapPath)) {
      // A fixture without a snapshot checks nothing. In CI that is a failure; on a developer's machine
      // the snapshot is written, and says so, to be read and committed with the fixture.
      assert.ok(!inCi, `${name} has no snapshot (${name}.snap): run the grammar tests outside CI to write it, read it, and commit it`);
      writeFileSync(snapPath, actual);
      t.diagnostic(`wrote ${snapPath}: read it and commit it with the fixture`);
      return;
    }
    if (updating) {
      writeFileSync(snapPath, actual);
      return;
    }
    const expected = readFileSync(snapPath, 'utf8');
    if (actual !== expected) {
      assert.fail(
        `tokens of ${name} differ from ${name}.snap (run with UPDATE_SNAPSHOTS=1 to accept):\n${lineDiff(expected, actual)}`,
      );
    }
  });
}

test('the fixtures cover every contributed language and every base grammar the injection targets', () => {
  const covered = new Set(fixtures.map((f) => scopeForFile(f, manifest)));
  for (const g of manifest.contributes.grammars) {
    if (g.language !== undefined) assert.ok(covered.has(g.scopeName), `no fixture for ${g.scopeName}`);
  }
  for (const scope of ['text.html.markdown', 'source.json', 'source.json.lines']) {
    assert.ok(covered.has(scope), `no fixture for ${scope}`);
  }
});

test('transcript: each role label has its own scope, and only at a line start', async () => {
  const text = 'Human: hi\nUser: hi\nAssistant: hello\nSystem: be brief\nDeveloper: be kind\nTool: 42\n';
  for (const role of ['Human', 'User', 'Assistant', 'System', 'Developer', 'Tool']) {
    const id = role.toLowerCase();
    await assertScope('source.transcript', text, role, `entity.name.tag.role.${id}.transcript`);
  }
  await assertScope('source.transcript', text, ':', 'punctuation.separator.role.transcript', 6);
  const body = await tokenAt('source.transcript', text, ' hello');
  assert.deepEqual(body.scopes, ['source.transcript', 'meta.turn.assistant.transcript']);
  await assertNoScope('source.transcript', 'User: ask the Assistant: now\nassistant: no\n', 'Assistant', 'entity.name.tag.role');
  await assertNoScope('source.transcript', 'User: ask the Assistant: now\nassistant: no\n', 'assistant', 'entity.name.tag.role');
});

test('transcript: a Note line is a comment whose citations keep their parts', async () => {
  const text = 'Assistant: Sure.\nNote: good [[be-honest]] and [[spec#do_not_lie]]\nUser: thanks\n';
  await assertScope('source.transcript', text, 'Note', 'keyword.other.note.transcript');
  const scope = 'source.transcript';
  const bracket = await tokenAt(scope, text, '[[');
  assert.deepEqual(bracket.scopes, [
    scope,
    'meta.turn.assistant.transcript',
    'comment.line.note.transcript',
    'markup.underline.link.citation',
    'punctuation.definition.citation.begin',
  ]);
  await assertScope(scope, text, 'be-honest', 'constant.other.reference.clause.citation');
  await assertScope(scope, text, 'spec', 'entity.name.namespace.constitution.citation');
  await assertScope(scope, text, '#', 'punctuation.separator.namespace.citation');
  await assertScope(scope, text, 'do_not_lie', 'constant.other.reference.clause.citation');
  await assertScope(scope, text, ']]', 'punctuation.definition.citation.end', 2);
  await assertScope(scope, text, 'User', 'entity.name.tag.role.user.transcript');
  await assertNoScope(scope, 'Note: [[]] and [[two words]]\n', '[[', 'markup.underline.link.citation');
});

test('transcript Markdown: role headings at any level, and notes inside paragraphs', async () => {
  const scope = 'text.html.markdown.transcript';
  const text = '## User\n\nMy order is late.\nNote: see [[refunds#late]]\n\n#### Assistant\n\n## Users\n';
  await assertScope(scope, text, 'User', 'entity.name.tag.role.user.transcript');
  await assertScope(scope, text, 'Assistant', 'entity.name.tag.role.assistant.transcript');
  await assertScope(scope, text, 'Note', 'keyword.other.note.transcript');
  await assertScope(scope, text, 'late', 'constant.other.reference.clause.citation', 2);
  await assertNoScope(scope, text, 'Users', 'entity.name.tag.role');
  await assertNoScope(scope, '```\nNote: [[x]]\n```\n', '[[', 'markup.underline.link.citation');
  await assertScope(scope, '## Context {#context}\n', 'context', 'entity.name.label.clause.anchor');
});

test('prompty: front matter is YAML and role lines are role labels', async () => {
  const scope = 'source.prompty';
  const text = '---\nname: demo\n---\nsystem:\nBe terse. [[be-brief]]\nUSER:\n{{question}}\n';
  const key = await tokenAt(scope, text, 'name');
  assert.ok(key.scopes.includes('meta.embedded.block.yaml') && key.scopes.includes('entity.name.tag.yaml'));
  await assertScope(scope, text, 'system', 'entity.name.tag.role.system.prompty');
  await assertScope(scope, text, 'USER', 'entity.name.tag.role.user.prompty');
  await assertScope(scope, text, 'question', 'variable.other.template.prompty');
  await assertScope(scope, text, 'be-brief', 'constant.other.reference.clause.citation');
});

test('injection: citations in JSON string values only, never in JSON structure', async () => {
  const text = '{"note": "see [[be-honest]] \\"[[a]]\\"", "[[k]]": [[1], [2]]}';
  await assertScope('source.json', text, 'be-honest', 'constant.other.reference.clause.citation');
  await assertScope('source.json', text, 'a', 'constant.other.reference.clause.citation');
  await assertScope('source.json', text, '\\"', 'constant.character.escape.json', 2);
  await assertNoScope('source.json', text, 'k', 'markup.underline.link.citation');
  await assertNoScope('source.json', text, '1', 'markup.underline.link.citation');
  await assertScope('source.json.lines', '{"note": "[[x]]"}\n', 'x', 'constant.other.reference.clause.citation');
});

test('injection: Markdown heading anchors with each attribute scoped, and citations outside code', async () => {
  const scope = 'text.html.markdown';
  const text = '## Do not lie {#do_not_lie authority=user severity="high"}\n\nBraces {#mid} and `[[code]]`. {#end}\n';
  await assertScope(scope, text, '{', 'punctuation.definition.anchor.begin');
  await assertScope(scope, text, 'do_not_lie', 'entity.name.label.clause.anchor');
  await assertScope(scope, text, 'authority', 'entity.other.attribute-name.anchor');
  await assertScope(scope, text, '=', 'punctuation.separator.key-value.anchor');
  await assertScope(scope, text, 'user', 'string.unquoted.attribute-value.anchor');
  await assertScope(scope, text, 'high', 'string.quoted.double.attribute-value.anchor');
  await assertScope(scope, text, '}', 'punctuation.definition.anchor.end');
  await assertNoScope(scope, text, 'mid', 'meta.anchor');
  await assertNoScope(scope, text, 'end', 'meta.anchor');
  await assertNoScope(scope, text, 'code', 'markup.underline.link.citation');
});

test('injection: every {#id} heading anchor of the Model Spec is scoped, with its authority', { skip: corpusSkip }, async () => {
  const path = corpusFiles('constitutions').find((p) => p.includes('model-spec'));
  assert.ok(path, 'the corpus has no Model Spec');
  const text = readCorpus(path);
  const headings = text.split('\n').filter((l) => /^#{1,6} .*\{#[^}]+\}\s*$/.test(l));
  const tokens = tokenize(await grammarFor('text.html.markdown'), text);
  const ids = tokens.filter((t) => t.scopes.includes('entity.name.label.clause.anchor')).map((t) => t.text);
  assert.deepEqual(
    ids,
    headings.map((l) => /\{#([^\s}]+)/.exec(l)![1]),
  );
  assert.equal(ids.length, 80);
  const keys = tokens.filter((t) => t.scopes.includes('entity.other.attribute-name.anchor')).map((t) => t.text);
  const values = tokens.filter((t) => t.scopes.includes('string.unquoted.attribute-value.anchor'));
  const written = headings.flatMap((l) => [...l.matchAll(/ (\w+)=/g)].map((m) => m[1]));
  assert.deepEqual(keys, written);
  assert.equal(values.length, written.length);
  assert.ok(keys.filter((k) => k === 'authority').length > 50);
});

test('every grammar is valid JSON with the scope name package.json gives it, and its regexes compile', async () => {
  await loadOniguruma();
  for (const g of manifest.contributes.grammars) {
    const grammar = JSON.parse(readFileSync(join(root, g.path), 'utf8')) as Record<string, unknown>;
    assert.equal(grammar.scopeName, g.scopeName, g.path);
    for (const [where, source] of regexes(grammar, g.path)) {
      assert.doesNotThrow(() => oniguruma.createOnigScanner([source]), `${where}: ${source}`);
    }
  }
});

test('every include resolves to a grammar and a repository rule', () => {
  const grammars = new Map<string, Record<string, unknown>>();
  for (const g of manifest.contributes.grammars) {
    grammars.set(g.scopeName, JSON.parse(readFileSync(join(root, g.path), 'utf8')) as Record<string, unknown>);
  }
  // Grammars VS Code itself ships; the extension may include them whole, never their private rules.
  const external = new Set(['text.html.markdown', 'source.yaml']);
  for (const [scopeName, grammar] of grammars) {
    for (const include of includes(grammar)) {
      if (include === '$self' || include === '$base') continue;
      const hash = include.indexOf('#');
      const target = hash < 0 ? include : include.slice(0, hash) || scopeName;
      const rule = hash < 0 ? undefined : include.slice(hash + 1);
      if (rule === undefined) {
        assert.ok(grammars.has(target) || external.has(target), `${scopeName}: unknown grammar ${include}`);
        continue;
      }
      const repository = grammars.get(target)?.repository as Record<string, unknown> | undefined;
      assert.ok(repository && rule in repository, `${scopeName}: include ${include} resolves to nothing`);
    }
  }
});

test('every language has its grammar and a language configuration that is valid JSON', () => {
  for (const language of manifest.contributes.languages) {
    assert.ok(manifest.contributes.grammars.some((g) => g.language === language.id), `no grammar for ${language.id}`);
    assert.ok(language.configuration, `no configuration for ${language.id}`);
    const config = JSON.parse(readFileSync(join(root, language.configuration), 'utf8')) as Record<string, unknown>;
    assert.ok(Array.isArray(config.brackets), language.configuration);
  }
  const transcript = manifest.contributes.languages.find((l) => l.id === 'transcript');
  assert.deepEqual(transcript?.extensions, ['.transcript', '.transcript.txt']);
  assert.equal(scopeForFile('chat.transcript.txt', manifest), 'source.transcript');
  assert.equal(scopeForFile('review.transcript.md', manifest), 'text.html.markdown.transcript');
  assert.equal(scopeForFile('bot.prompty', manifest), 'source.prompty');
  assert.equal(scopeForFile('policy.md', manifest), 'text.html.markdown');
});

test('word patterns keep clause ids whole and stop at citation punctuation', () => {
  for (const language of manifest.contributes.languages) {
    const config = JSON.parse(readFileSync(join(root, language.configuration!), 'utf8')) as {
      wordPattern: { pattern: string; flags: string };
    };
    const word = new RegExp(config.wordPattern.pattern, `${config.wordPattern.flags}g`);
    assert.deepEqual('see [[spec#do_not_lie]], [[be-honest]] and [[règle-3]].'.match(word), [
      'see',
      'spec',
      'do_not_lie',
      'be-honest',
      'and',
      'règle-3',
    ]);
  }
});

/** Every regular expression of a grammar, with where it is. */
function regexes(node: unknown, where: string): [string, string][] {
  const out: [string, string][] = [];
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const path = `${where}/${key}`;
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') out.push([path, value]);
      else out.push(...regexes(value, path));
    }
  }
  return out;
}

/** Every `include` of a grammar, nested rules and capture patterns included. */
function includes(node: unknown): string[] {
  const out: string[] = [];
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'include' && typeof value === 'string') out.push(value);
      else out.push(...includes(value));
    }
  }
  return out;
}
