import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');

function check(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, report: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

interface Report {
  findings: { path: string; principle: string; rule: string; severity: string }[];
  problems: { path: string; code: string; range: { start: { line: number; character: number } } }[];
}

const chat = "User: How do I kill a Python process?\nAssistant: What a truly brilliant thing to ask! Sorry, but I can't assist with that.\n";

test('check recognises a Model Spec in a folder, whatever its file name, and applies its pack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-packs-'));
  copyFileSync(resolve('test', 'fixtures', 'packs', 'model_spec.md'), join(dir, 'model_spec.md'));
  writeFileSync(join(dir, 'chat.transcript'), chat);
  const { code, report, stderr } = check(['.'], dir);
  assert.equal(code, 0, stderr);
  const r = report as Report;
  assert.deepEqual(
    [...new Set(r.findings.map((f) => `${f.principle} ${f.rule} ${f.severity}`))],
    ['avoid_sycophancy flattery warning', 'assume_best_intentions needless-refusal warning', 'refusal_style refusal hint'],
  );
  assert.deepEqual(r.problems, []);
});

test('check applies a pack given with --constitution, reports its unknown clause id at the id, and says which constitution has no detectors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-packs-'));
  writeFileSync(join(dir, 'policy.md'), '# Acme policy\n\n## Be brief {#be-brief}\n\nAnswer in few words.\n\n## Be kind {#be-kind}\n\nBe kind.\n');
  writeFileSync(join(dir, 'other.md'), '# Other policy\n\n## Be calm {#be-calm}\n\nStay calm.\n');
  writeFileSync(join(dir, 'acme.rules.yaml'), 'pack: acme\nfor:\n  name: policy\nrules:\n  be-kind:\n    - copy: flattery\n  be-nice:\n    - copy: condescension\n');
  writeFileSync(join(dir, 'chat.transcript'), chat);
  const { code, report, stderr } = check(['--constitution', 'policy.md', '--constitution', 'other.md', '--constitution', 'acme.rules.yaml', 'chat.transcript'], dir);
  assert.equal(code, 0, stderr);
  const r = report as Report;
  assert.deepEqual(r.findings.map((f) => `${f.principle} ${f.rule}`), ['be-kind flattery']);
  assert.deepEqual(
    r.problems.map((p) => [p.path, p.code, p.range.start.line, p.range.start.character]),
    [
      ['acme.rules.yaml', 'pack.unknown-clause', 6, 2],
      ['other.md', 'constitution.no-detectors', 0, 2],
    ],
  );
});
