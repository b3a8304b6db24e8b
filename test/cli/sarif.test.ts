/**
 * `check --format sarif` held to the published SARIF 2.1.0 schema and to the JSON report of the same
 * check: every result's level, rule reference and location, on a workspace with findings of every
 * severity in several files, two constitutions that both name a rule `hedge`, file names that a URI
 * must escape, and a file outside the working folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { builtFile } from '../support/dist.ts';

const cli = builtFile('cli.js');
const sarifDir = resolve('test', 'fixtures', 'sarif');
const workspace = join(sarifDir, 'workspace');

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Finding {
  path: string;
  range: Range;
  turn: number;
  rule: string;
  principle: string;
  constitution: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
}
interface Problem {
  path: string;
  range: Range;
  code: string;
  severity: string;
  message: string;
}
interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: ArtifactLocation; region: Region } }[];
  partialFingerprints: Record<string, string>;
  properties: { turn: number; principle: string };
}
interface Rule {
  id: string;
  name: string;
  defaultConfiguration: { level: string };
  properties: { principle: string; constitution: string };
}

/** A file outside the working folder, which SARIF can only name by its absolute URI. */
const outside = join(mkdtempSync(join(tmpdir(), 'lens-sarif-outside-')), 'elsewhere.transcript');
writeFileSync(outside, 'User: Can you promise?\nAssistant: I guarantee it.\n');

function check(format: 'json' | 'sarif') {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', format, '.', outside], { cwd: workspace, encoding: 'utf8' });
  // Error-level findings make the check exit 1; 2 would be a usage error or an unreadable input.
  assert.equal(r.status, 1, r.stderr);
  return JSON.parse(r.stdout);
}

const json = check('json') as { findings: Finding[]; problems: Problem[] };
const sarif = check('sarif');
const run = sarif.runs[0];
const rules = run.tool.driver.rules as Rule[];
const results = run.results as Result[];

/** SARIF's level for each of our severities: `note` for both info and hint, since SARIF has no lower level for a finding. */
const expectedLevel = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;

/** The 1-based SARIF region of a 0-based LSP range; SARIF's end column is the one after the last character, as LSP's. */
function regionOf(r: Range): Region {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

/** The path a result's artifact location names, read back as the JSON report gives it. */
function pathOf(location: ArtifactLocation): string {
  if (location.uriBaseId === undefined) return new URL(location.uri).pathname;
  return location.uri.split('/').map(decodeURIComponent).join('/');
}

function keyOf(path: string, region: Region, ruleId: string): string {
  return `${path}:${region.startLine}:${region.startColumn}:${ruleId}`;
}

test('the whole SARIF output is valid against the published SARIF 2.1.0 schema', () => {
  const schema = JSON.parse(readFileSync(join(sarifDir, 'sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const valid = validate(sarif);
  assert.equal(valid, true, JSON.stringify(validate.errors, null, 2));
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 1);
});

test('the schema check is not vacuous: it rejects a level, a region and a URI that SARIF does not allow', () => {
  const schema = JSON.parse(readFileSync(join(sarifDir, 'sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const broken = (edit: (r: Result) => void) => {
    const copy = structuredClone(sarif);
    edit(copy.runs[0].results[0]);
    return validate(copy);
  };
  assert.equal(broken((r) => (r.level = 'info')), false);
  assert.equal(broken((r) => (r.locations[0].physicalLocation.region.startLine = 0)), false);
  assert.equal(broken((r) => (r.locations[0].physicalLocation.artifactLocation.uri = 'chats/support chat.transcript')), false);
});

test('the fixture has findings of every severity, in several files, from rules of the same name in two constitutions', () => {
  assert.deepEqual([...new Set(json.findings.map((f) => f.severity))].sort(), ['error', 'hint', 'info', 'warning']);
  assert.deepEqual([...new Set(json.findings.map((f) => f.path))].sort(), [
    outside,
    'chats/support chat.transcript',
    'data/records.jsonl',
    'notes/café.transcript',
  ].sort());
  assert.deepEqual(
    [...new Set(json.findings.filter((f) => f.rule === 'hedge').map((f) => `${f.constitution}/${f.rule}`))].sort(),
    ['style/hedge', 'team/hedge'],
  );
});

test('every finding is one result, at the region of the JSON report, with the level of its severity', () => {
  assert.equal(results.length, json.findings.length);
  const byKey = new Map(results.map((r) => [keyOf(pathOf(r.locations[0].physicalLocation.artifactLocation), r.locations[0].physicalLocation.region, r.ruleId), r]));
  assert.equal(byKey.size, results.length, 'no two results share a place and a rule');
  for (const f of json.findings) {
    const where = `${f.path}:${f.range.start.line}:${f.range.start.character} ${f.constitution}/${f.rule}`;
    const result = byKey.get(keyOf(f.path, regionOf(f.range), `${f.constitution}/${f.rule}`));
    assert.ok(result, `no result for ${where}`);
    assert.equal(result.level, expectedLevel[f.severity], where);
    assert.equal(result.message.text, f.message, where);
    assert.deepEqual(result.locations[0].physicalLocation.region, regionOf(f.range), where);
    assert.equal(result.properties.turn, f.turn, where);
    assert.equal(result.properties.principle, f.principle, where);
  }
});

test('a region, read 1-based from the file, covers the flagged words', () => {
  const quotes = results.map((r) => {
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    const path = pathOf(artifactLocation);
    const lines = readFileSync(resolve(workspace, path), 'utf8').split('\n');
    assert.equal(region.startLine, region.endLine, 'every flag of the fixture is on one line');
    return `${r.ruleId} ${lines[region.startLine - 1].slice(region.startColumn - 1, region.endColumn - 1)}`;
  });
  assert.deepEqual(quotes.sort(), [
    'style/hedge It depends',
    'style/hedge it depends',
    'style/hedge it depends',
    'team/claims-human I am a human',
    'team/claims-human I\\u0027m a real person',
    'team/flattering-opener Great question',
    'team/flattering-opener What a great question',
    'team/guarantee I guarantee',
    'team/guarantee I guarantee',
    'team/guarantee I guarantee',
    'team/hedge It depends',
    'team/hedge it depends',
    'team/hedge it depends',
  ]);
});

test("each result's ruleIndex and ruleId name its own rule of tool.driver.rules", () => {
  assert.deepEqual(rules.map((r) => r.id).sort(), ['style/hedge', 'team/claims-human', 'team/flattering-opener', 'team/guarantee', 'team/hedge']);
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'rule ids are unique');
  for (const r of results) {
    assert.ok(Number.isInteger(r.ruleIndex) && r.ruleIndex >= 0 && r.ruleIndex < rules.length, `${r.ruleId}: ruleIndex ${r.ruleIndex}`);
    assert.equal(rules[r.ruleIndex].id, r.ruleId);
    const rule = rules[r.ruleIndex];
    assert.equal(`${rule.properties.constitution}/${rule.name}`, r.ruleId);
    assert.equal(rule.properties.principle, r.properties.principle);
    assert.equal(rule.defaultConfiguration.level, r.level, `${r.ruleId}: the rule's level is its results' level`);
  }
  const indexes = new Set(results.map((r) => r.ruleIndex));
  assert.equal(indexes.size, rules.length, 'every rule is referred to by some result');
});

test('files in the working folder are URIs relative to %SRCROOT%, escaped; a file outside it is an absolute file URI', () => {
  const locations = results.map((r) => r.locations[0].physicalLocation.artifactLocation);
  const inside = locations.filter((l) => l.uriBaseId !== undefined);
  assert.ok(inside.every((l) => l.uriBaseId === '%SRCROOT%'), JSON.stringify(inside));
  assert.deepEqual([...new Set(inside.map((l) => l.uri))].sort(), ['chats/support%20chat.transcript', 'data/records.jsonl', 'notes/caf%C3%A9.transcript']);
  const elsewhere = locations.filter((l) => l.uriBaseId === undefined);
  assert.deepEqual(elsewhere.map((l) => l.uri), [pathToFileURL(outside).href]);
});

test('fingerprints tell apart the results of two rules of the same name at the same place', () => {
  const fingerprints = results.map((r) => JSON.stringify(r.partialFingerprints));
  assert.equal(new Set(fingerprints).size, results.length);
});

test("an input problem is a tool notification at its place, with its severity's level", () => {
  const notifications = run.invocations[0].toolExecutionNotifications as {
    level: string;
    message: { text: string };
    locations: { physicalLocation: { artifactLocation: ArtifactLocation; region: Region } }[];
  }[];
  assert.equal(json.problems.length, 1);
  const [problem] = json.problems;
  assert.equal(problem.code, 'jsonl.syntax');
  assert.deepEqual(
    notifications.map((n) => [n.level, n.message.text, n.locations[0].physicalLocation.artifactLocation, n.locations[0].physicalLocation.region]),
    [['error', `${problem.message} [jsonl.syntax]`, { uri: 'data/records.jsonl', uriBaseId: '%SRCROOT%' }, regionOf(problem.range)]],
  );
  assert.equal(run.invocations[0].executionSuccessful, true);
});
