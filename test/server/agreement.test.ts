/**
 * "Show Agreement" against the real server: the detectors measured against the labels of every
 * transcript of the workspace, as the command line measures them, with each place in its file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { AgreementResult } from '../../server/src/protocol.ts';
import type { AgreementReport } from '../../server/src/cli/agreement.ts';
import { TestServer } from '../support/lspClient.ts';
import { builtFile } from '../support/dist.ts';

let root: string;
let server: TestServer;
const uri = (name: string) => pathToFileURL(join(root, name)).toString();

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-agreement-'));
  cpSync(join('test', 'fixtures', 'agreement'), root, { recursive: true });
  server = await TestServer.start({ root });
});

after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

const counts = (r: AgreementResult['clauses'][number]) => [r.constitution, r.clause, r.rule ?? null, r.n, r.tp, r.fp, r.fn, r.tn];

test('the agreement request, asked at once, waits for the workspace and gives the table the command line gives', async () => {
  const report = await server.request<AgreementResult>('constitutionLens/agreement', {});
  const cli = spawnSync(process.execPath, [builtFile('cli.js'), 'agreement', '--format', 'json', '.'], { cwd: root, encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const expected = JSON.parse(cli.stdout) as AgreementReport;
  assert.equal(report.labels, expected.labels);
  assert.deepEqual(report.clauses.map(counts), expected.clauses.map(counts));
  assert.deepEqual(report.rules.map(counts), expected.rules.map(counts));
  assert.deepEqual(report.constitutions.map((c) => c.name), ['policy']);
});

test('each disagreement and unmatched label is placed at its note, or at its turn for a record', async () => {
  const report = await server.request<AgreementResult>('constitutionLens/agreement', {});
  const place = (l: AgreementResult['disagreements'][number]['label']) => [l.uri, l.range.start.line, l.turn, l.verdict];
  assert.deepEqual(
    report.disagreements.map((d) => [d.clause, d.flagged, ...place(d.label)]),
    [
      ['no-flattery', true, uri('reviewed.transcript'), 5, 3, 'complies'],
      ['no-flattery', false, uri('reviewed.transcript'), 8, 5, 'violates'],
    ],
  );
  assert.deepEqual(
    report.unmatched.map((u) => [u.reason, ...place(u.label)]).sort(),
    [
      ['names no clause', uri('records.jsonl'), 3, 1, 'complies'],
      ['names the clause "no-such-clause", which no constitution in use has', uri('reviewed.transcript'), 11, 7, 'violates'],
    ].sort(),
  );
});

test('the code lens above a labelled clause adds the reviewers\' agreement with its flags; an unlabelled clause has none', async () => {
  await server.request<AgreementResult>('constitutionLens/agreement', {});
  const lenses = await server.request<{ command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri: uri('policy.constitution.md') } });
  const titles = lenses.map((l) => l.command.title);
  assert.ok(titles.some((t) => / · agrees with reviewers 1\.00 F1, n = 1$/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => / · agrees with reviewers 0\.50 F1, n = 4$/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => !t.includes('agrees')), 'the constitution\'s own heading has no labels');
});
