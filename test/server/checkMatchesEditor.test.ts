import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { evalOfSampleUri } from '../../server/src/core/transcript/evalLog.ts';
import { TestServer } from '../support/lspClient.ts';

const cli = resolve('dist', 'cli.js');
const workspaces = resolve('test', 'fixtures', 'workspaces');
const severities = ['', 'error', 'warning', 'info', 'hint'];

interface Range {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

const key = (file: string, range: Range, code: string, severity: string, message: string) =>
  `${file} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${severity} ${code}: ${message}`;

/** Every diagnostic the editor reports for the workspace's files, keyed by file (an `.eval` sample as `log.eval!entry`). */
async function editorReport(root: string): Promise<string[]> {
  const server = await TestServer.start({ root });
  try {
    const out: string[] = [];
    for (const report of await server.workspaceDiagnostics()) {
      const sample = evalOfSampleUri(report.uri);
      const file = sample ? `${relative(root, fileURLToPath(sample.evalUri))}!${sample.entry}` : relative(root, fileURLToPath(report.uri));
      for (const d of report.items) out.push(key(file, d.range, String(d.code), severities[d.severity ?? 1], typeof d.message === 'string' ? d.message : d.message.value));
    }
    return out.sort();
  } finally {
    await server.stop();
  }
}

/** Every finding and problem `check --format json` reports for the workspace, keyed as {@link editorReport} keys them. */
function checkReport(root: string): string[] {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '.'], { cwd: root, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const report = JSON.parse(r.stdout) as {
    findings: { path: string; sample?: string; range: Range; rule: string; severity: string; message: string }[];
    problems: { path: string; sample?: string; range: Range; code: string; severity: string; message: string }[];
  };
  const file = (p: { path: string; sample?: string }) => (p.sample ? `${p.path}!${p.sample}` : p.path);
  return [
    ...report.findings.map((f) => key(file(f), f.range, f.rule, f.severity, f.message)),
    ...report.problems.map((p) => key(file(p), p.range, p.code, p.severity, p.message)),
  ].sort();
}

// The check fixtures too: they hold broken lines, reviews and a constitution's own problems.
for (const root of [...readdirSync(workspaces).map((n) => join(workspaces, n)), resolve('test', 'fixtures', 'check')]) {
  const name = relative(resolve('test', 'fixtures'), root);
  test(`check reports what the editor reports, file by file, in ${name}`, async () => {
    const editor = await editorReport(root);
    const check = checkReport(root);
    assert.ok(editor.length > 0, 'the workspace shows something to compare');
    assert.deepEqual(check, editor);
  });
}
