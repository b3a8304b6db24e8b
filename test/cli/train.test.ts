import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { corpusDir, corpusSkip } from '../support/corpus.ts';
import { constitutionText } from '../detectors/helpers.ts';
import { labelledJsonl } from '../learned/support.ts';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const rules = [
  '- id: refuses',
  '  kind: learned',
  '  message: Refuses',
  '  model: refuses.model.json',
  '  train:',
  '    from: [data/labelled.jsonl]',
  '    label: meta.final_label',
  '    positive: [2_full_refusal]',
  '    licence: made for this test',
  '  examples:',
  '    flag: ["Sorry, but I cannot help you with that."]',
  '- id: flattery',
  '  kind: phrases',
  '  message: Flatters',
  '  phrases: [great question]',
].join('\n');

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'cl-train-'));
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'policy.constitution.md'), constitutionText(rules));
  writeFileSync(join(root, 'data', 'labelled.jsonl'), labelledJsonl());
  writeFileSync(
    join(root, 'chat.transcript'),
    'User: Where can I shoot a photo?\nAssistant: Great question. Sorry, but I cannot help you with that request.\n',
  );
  return root;
}

interface Report {
  findings: { rule: string; message: string }[];
  problems: { code: string; message: string }[];
}

/** Checks the chat; a constitution with an error (a model that cannot be used) fails the run with 2, after the other rules ran. */
function check(root: string, failed = false): Report {
  const r = run(['check', '--format', 'json', '--constitution', 'policy.constitution.md', 'chat.transcript'], root);
  if (failed) {
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /the constitution policy\.constitution\.md has errors/);
  } else assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

test('train writes the model beside the constitution, prints its cross-validated figures, and writes the same bytes again', () => {
  const root = workspace();
  const first = run(['train', 'policy.constitution.md'], root);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^refuses: 80 labelled turns \(40 positive, 40 negative\); the rule's examples \(1\) train every fold$/m);
  assert.match(first.stdout, /cross-validated \(10 folds, seed 1\): precision \d\.\d{3} {2}recall \d\.\d{3} {2}F1 \d\.\d{3} {2}\(TP \d+ FP \d+ FN \d+ TN \d+\)/);
  assert.match(first.stdout, /threshold 0\.\d{3}, chosen on the out-of-fold scores for precision 0\.95/);
  const model = readFileSync(join(root, 'refuses.model.json'), 'utf8');
  const parsed = JSON.parse(model);
  assert.equal(parsed.version, 1);
  assert.equal(parsed.training.licence, 'made for this test');
  assert.deepEqual(parsed.training.data.map((d: { path: string; records: number; used: number }) => [d.path, d.records, d.used]), [['data/labelled.jsonl', 80, 80]]);
  assert.match(parsed.training.data[0].sha256, /^[0-9a-f]{64}$/);
  const second = run(['train', 'policy.constitution.md', '--rule', 'refuses'], root);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(readFileSync(join(root, 'refuses.model.json'), 'utf8'), model);
});

test('train says what is wrong: no such rule, no such file, no learned rule', () => {
  const root = workspace();
  const unknown = run(['train', 'policy.constitution.md', '--rule', 'nope'], root);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no learned detector "nope"/);
  rmSync(join(root, 'data', 'labelled.jsonl'));
  const missing = run(['train', 'policy.constitution.md'], root);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot train "refuses": .*labelled\.jsonl/);
  assert.ok(!existsSync(join(root, 'refuses.model.json')));
  writeFileSync(join(root, 'plain.constitution.md'), constitutionText('- id: f\n  kind: phrases\n  message: F\n  phrases: [x]'));
  const none = run(['train', 'plain.constitution.md'], root);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /has no learned detector/);
});

test('check uses the model; a changed training file makes it stale, an absent one leaves it unverified; a missing model is a problem and the rest still runs', () => {
  const root = workspace();
  assert.equal(run(['train', 'policy.constitution.md'], root).code, 0);
  const fresh = check(root);
  assert.deepEqual(fresh.problems, []);
  assert.deepEqual(fresh.findings.map((f) => f.rule).sort(), ['flattery', 'refuses']);
  assert.match(fresh.findings.find((f) => f.rule === 'refuses')!.message, /^Refuses \(score 0\.\d\d, threshold 0\.\d\d\): "/);

  writeFileSync(join(root, 'data', 'labelled.jsonl'), labelledJsonl() + labelledJsonl());
  const stale = check(root);
  assert.deepEqual(stale.problems.map((p) => p.code), ['rule.model-stale']);
  assert.match(stale.problems[0].message, /training data changed \(data\/labelled\.jsonl\)/);
  assert.ok(stale.findings.some((f) => f.rule === 'refuses'), 'a stale model still runs');

  rmSync(join(root, 'data', 'labelled.jsonl'));
  const unverified = check(root);
  assert.deepEqual(unverified.problems, []);
  assert.ok(unverified.findings.some((f) => f.rule === 'refuses'));

  writeFileSync(join(root, 'refuses.model.json'), '{"version": 1, "weights": "lots"}');
  const malformed = check(root, true);
  assert.deepEqual(malformed.problems.map((p) => p.code), ['rule.model-invalid']);
  assert.deepEqual(malformed.findings.map((f) => f.rule), ['flattery']);

  rmSync(join(root, 'refuses.model.json'));
  const missing = check(root, true);
  assert.deepEqual(missing.problems.map((p) => p.code), ['rule.model-missing']);
  assert.match(missing.problems[0].message, /cannot be read \(no such file\)/);
  assert.deepEqual(missing.findings.map((f) => f.rule), ['flattery']);
});

test("the starter's refusal model is what train makes from the dev corpus, and recognises refusals with an F1 of at least 0.95", { skip: corpusSkip }, () => {
  // Trained in a copy, so that the shipped file is compared, not rewritten.
  const root = mkdtempSync(join(tmpdir(), 'cl-starter-train-'));
  const folder = join(root, 'a', 'constitutions');
  mkdirSync(folder, { recursive: true });
  const starter = readFileSync(resolve('constitutions', 'starter.constitution.md'), 'utf8');
  const shipped = readFileSync(resolve('constitutions', 'refusal.model.json'), 'utf8');
  const from = JSON.parse(shipped).training.data[0].path as string;
  // The starter names its data from its own folder; the copy reaches the same corpus from there.
  mkdirSync(resolve(folder, from, '..'), { recursive: true });
  writeFileSync(resolve(folder, from), readFileSync(join(corpusDir, 'dev', 'xstest_labeled.jsonl')));
  writeFileSync(join(folder, 'starter.constitution.md'), starter);
  const r = run(['train', join(folder, 'starter.constitution.md'), '--rule', 'refusal-learned'], root);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(folder, 'refusal.model.json'), 'utf8'), shipped, 'the shipped model is current and reproducible');
  const f1 = Number(/F1 (\d\.\d+)/.exec(r.stdout)![1]);
  assert.ok(f1 >= 0.95, r.stdout);
});
