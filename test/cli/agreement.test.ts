import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { AgreementReport } from '../../server/src/cli/agreement.ts';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');
const fixtures = resolve('test', 'fixtures', 'agreement');

function agreement(args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'agreement', ...args], { cwd: fixtures, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const row = (r: AgreementReport['clauses'][number]) => [r.clause, r.rule ?? null, r.n, r.tp, r.fp, r.fn, r.tn, r.unseen];

test('agreement of the detectors with label notes and dataset labels, per clause and per rule, unmatched labels listed with their places', () => {
  const r = agreement(['--format', 'json', '.']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as AgreementReport;
  assert.equal(report.judge, 'detectors');
  assert.deepEqual(report.constitutions, [{ name: 'policy', path: 'policy.constitution.md' }]);
  // reviewed.transcript: four label notes; records.jsonl: three decided labels (one "ambiguous" left out).
  assert.equal(report.labels, 7);
  assert.deepEqual(report.clauses.map(row), [
    ['ai-candour', null, 1, 1, 0, 0, 0, 0],
    // "Great question!" flagged and labelled complies (FP) and violation in records (TP); "It is 6." labelled violates (FN); "Hello." ok (TN).
    ['no-flattery', null, 4, 1, 1, 1, 1, 0],
    // The label of an unknown clause and the record without a clause: judged by any finding on their turn.
    [null, null, 2, 1, 0, 0, 1, 0],
  ]);
  assert.deepEqual(report.rules.map(row), [
    ['ai-candour', 'claims-human', 1, 1, 0, 0, 0, 0],
    ['no-flattery', 'flattering-opener', 4, 1, 1, 1, 1, 0],
  ]);
  const flattery = report.clauses[1];
  assert.equal(flattery.precision, 0.5);
  assert.equal(flattery.recall, 0.5);
  assert.equal(flattery.kappa, 0);
  assert.deepEqual(
    report.unmatched.map((u) => [u.path, u.line ?? null, u.conversation, u.turn, u.reason]),
    [
      ['records.jsonl', null, 3, 1, 'the label names no clause'],
      ['reviewed.transcript', 12, 0, 7, 'the label names the clause "no-such-clause", which no constitution in use has'],
    ],
  );
});

test('agreement of model critiques: turns never critiqued are unseen, results naming a missing turn are listed', () => {
  const r = agreement(['--format', 'json', '--constitution', 'policy.constitution.md', '--judge', 'records.jsonl.critique.jsonl', 'records.jsonl']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as AgreementReport;
  assert.equal(report.judge, 'records.jsonl.critique.jsonl');
  assert.deepEqual(report.clauses.map(row), [
    ['no-flattery', null, 2, 1, 1, 0, 0, 0],
    [null, null, 0, 0, 0, 0, 0, 1],
  ]);
  assert.deepEqual(report.rules, [], 'critiques name clauses, not rules: no rule row is measured from them');
  assert.ok(report.unmatched.some((u) => u.path === 'records.jsonl.critique.jsonl' && u.line === 3 && u.conversation === 7 && /a turn the labelled file does not have/.test(u.reason)));
});

test('--label-field, --violation and --ok read a dataset\'s own label fields', () => {
  const r = agreement(['--format', 'json', '--constitution', 'policy.constitution.md', '--label-field', 'meta.verdict', '--violation', 'bad', 'records.jsonl']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as AgreementReport;
  assert.equal(report.labels, 1);
  assert.deepEqual(report.clauses.map(row), [[null, null, 1, 0, 0, 1, 0, 0]]);
});

test('the text and Markdown tables carry the same counts as the JSON', () => {
  const text = agreement(['.']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^policy#no-flattery +flattering-opener +4 +1 +1 +1 +1 +0\.50 +0\.50 +0\.50 +0\.00 +0$/m);
  assert.match(text.stdout, /Unmatched: 2 /);
  const md = agreement(['--format', 'markdown', '.']);
  assert.match(md.stdout, /^\| policy#ai-candour \|  \| 1 \| 1 \| 0 \| 0 \| 0 \| 1\.00 \| 1\.00 \| 1\.00 \| - \| 0 \|$/m);
});

test('no labels, an unreadable judge and a bad option are input errors (exit 2), never an empty table', () => {
  const none = agreement(['policy.constitution.md', '--constitution', 'policy.constitution.md']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /holds no conversation|no labelled turns/);
  const judge = agreement(['--judge', 'missing.critique.jsonl', 'records.jsonl']);
  assert.equal(judge.code, 2);
  assert.match(judge.stderr, /cannot read the critique results missing\.critique\.jsonl/);
  const bad = agreement(['--format', 'html', '.']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format takes text, json or markdown/);
});
