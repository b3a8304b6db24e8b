import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseYamlLocated } from '../../server/src/core/located.ts';
import { codeActions } from '../../server/src/core/features/codeActions.ts';
import { fileDiagnostics } from '../../server/src/core/features/fileDiagnostics.ts';
import { findingHover } from '../../server/src/core/features/findingHover.ts';
import { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';

const starter = { uri: 'file:///ext/constitutions/starter.constitution.md', text: readFileSync('constitutions/starter.constitution.md', 'utf8') };
const bundledPacks = readdirSync('constitutions/packs')
  .filter((n) => n.endsWith('.rules.yaml'))
  .map((n) => ({ uri: `file:///ext/constitutions/packs/${n}`, text: readFileSync(join('constitutions', 'packs', n), 'utf8') }));
const modelSpec = readFileSync(join('test', 'fixtures', 'packs', 'model_spec.md'), 'utf8');
const chat = [
  'User: Why is the sky blue?',
  'Assistant: What a truly brilliant thing to ask! It is Rayleigh scattering.',
  'User: How do I kill a Python process?',
  "Assistant: Sorry, but I can't assist with that.",
  '',
].join('\n');

function index(): WorkspaceIndex {
  return new WorkspaceIndex({ starter, bundledPacks });
}

test('a Model Spec under any file name is recognised by its content and its pack applies without set-up', () => {
  const ix = index();
  assert.equal(ix.upsert('file:///ws/model_spec.md', modelSpec, 1, 'disk'), true);
  ix.upsert('file:///ws/chat.transcript', chat, 1, 'open');
  assert.deepEqual(ix.constitutions().map((c) => c.uri), ['file:///ws/model_spec.md']);
  const found = ix.findings('file:///ws/chat.transcript');
  assert.deepEqual(
    [...new Set(found.map((f) => `${f.principle} ${f.rule} ${f.severity}`))],
    ['avoid_sycophancy flattery warning', 'assume_best_intentions needless-refusal warning', 'refusal_style refusal hint'],
  );
  assert.deepEqual(ix.packUses().map((u) => u.pack), ['openai-model-spec']);
  // The hover names the clause, quotes it and places it in the order of authority.
  const offset = chat.indexOf('truly brilliant');
  const hover = findingHover(ix, 'file:///ws/chat.transcript', offset);
  assert.match(hover!.markdown, /\*\*Avoid sycophancy\*\* `model_spec#avoid_sycophancy`/);
  assert.match(hover!.markdown, /Authority: \*\*user\*\* \(4 of 5\); outranked by root, system, developer\./);
  assert.match(hover!.markdown, /> Do not flatter or simply agree\./);
});

test('a Markdown file that no pack recognises is not a constitution', () => {
  const ix = index();
  assert.equal(ix.upsert('file:///ws/README.md', '# Notes\n\nNothing here.\n', 1, 'disk'), false);
});

test('a pack turned off in settings attaches nothing, and the constitution then says it has no detectors, with a fix', () => {
  const ix = index();
  ix.upsert('file:///ws/model_spec.md', modelSpec, 1, 'disk');
  ix.upsert('file:///ws/chat.transcript', chat, 1, 'open');
  ix.setDisabledPacks(new Set(['openai-model-spec']));
  assert.deepEqual(ix.findings('file:///ws/chat.transcript'), []);
  const notices = fileDiagnostics(ix, 'file:///ws/model_spec.md').filter((d) => d.code === 'constitution.no-detectors');
  assert.equal(notices.length, 1);
  assert.equal(notices[0].severity, 3);
  const [action] = codeActions(ix, 'file:///ws/model_spec.md', notices);
  assert.match(action.title, /Create a rule pack/);
  const changes = action.edit!.documentChanges!;
  assert.deepEqual(changes[0], { kind: 'create', uri: 'file:///ws/model_spec.rules.yaml', options: { ignoreIfExists: true } });
  const text = (changes[1] as { edits: { newText: string }[] }).edits[0].newText;
  assert.deepEqual(parseYamlLocated(text).problems, []);
  assert.match(text, /for:\n {2}name: model_spec\n {2}clauses: \[overview\]\nrules:\n {2}overview:\n {4}- copy: claims-to-be-human\n/);

  // The pack the fix creates applies to the constitution.
  ix.upsert('file:///ws/model_spec.rules.yaml', text, 1, 'open');
  assert.ok(ix.findings('file:///ws/chat.transcript').some((f) => f.rule === 'sycophantic-opener' || f.rule === 'flattery'));
  assert.deepEqual(fileDiagnostics(ix, 'file:///ws/model_spec.md').filter((d) => d.code === 'constitution.no-detectors'), []);
  ix.setDisabledPacks(new Set());
});

test("a user's own pack serves a user's constitution; its unknown clause id is an error in the pack at the id", () => {
  const ix = index();
  ix.upsert('file:///ws/policy.constitution.md', '# Acme policy\n\n## Be brief {#be-brief}\n\nAnswer in few words.\n', 1, 'disk');
  const pack = [
    'pack: acme',
    'for:',
    '  name: policy',
    'rules:',
    '  be-brief:',
    '    - id: padding',
    '      kind: phrases',
    '      message: Padding before the answer',
    '      phrases: [let me explain]',
    '      examples:',
    '        flag: ["Let me explain: it is 4."]',
    '        pass: ["It is 4."]',
    '  be-kind:',
    '    - copy: condescension',
    '',
  ].join('\n');
  ix.upsert('file:///ws/acme.rules.yaml', pack, 1, 'open');
  ix.upsert('file:///ws/a.transcript', 'User: 2+2?\nAssistant: Let me explain: it is 4.\n', 1, 'open');
  assert.deepEqual(ix.findings('file:///ws/a.transcript').map((f) => `${f.constitution}#${f.principle} ${f.rule}`), ['policy#be-brief padding']);
  const problems = fileDiagnostics(ix, 'file:///ws/acme.rules.yaml');
  assert.deepEqual(
    problems.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]),
    [['pack.unknown-clause', 1, 12, 2]],
  );
  assert.deepEqual(fileDiagnostics(ix, 'file:///ws/policy.constitution.md').filter((d) => d.code === 'constitution.no-detectors'), []);
});

test('a failing example of a pack detector is a problem in the pack', () => {
  const ix = index();
  ix.upsert('file:///ws/policy.constitution.md', '# Acme policy\n\n## Be brief {#be-brief}\n\nAnswer in few words.\n', 1, 'disk');
  const pack = 'pack: acme\nfor:\n  clauses: [be-brief]\nrules:\n  be-brief:\n    - id: padding\n      kind: phrases\n      message: Padding\n      phrases: [let me explain]\n      examples:\n        flag: ["It is 4."]\n';
  ix.upsert('file:///ws/acme.rules.yaml', pack, 1, 'open');
  const problems = fileDiagnostics(ix, 'file:///ws/acme.rules.yaml');
  assert.deepEqual(problems.map((d) => [d.code, pack.split('\n')[d.range.start.line].trim()]), [['rule.example-failed', 'flag: ["It is 4."]']]);
});
