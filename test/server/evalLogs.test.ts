import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { evalSampleUri } from '../../server/src/core/transcript/evalLog.ts';
import type { EvalSamplesResult } from '../../server/src/protocol.ts';
import { TestServer } from '../support/lspClient.ts';

let dir: string;
let server: TestServer;
let logUri: string;
let sampleUri: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lens-eval-server-'));
  copyFileSync(resolve('test', 'fixtures', 'workspaces', 'inspect', 'popularity-flagged.eval'), join(dir, 'run.eval'));
  logUri = pathToFileURL(join(dir, 'run.eval')).toString();
  sampleUri = evalSampleUri(logUri, 'samples/2_epoch_1.json');
  server = await TestServer.start({ root: dir });
});

after(() => server.stop());

test('the samples of an .eval log in the workspace are listed, each with its view and its number of flags', async () => {
  const result = await server.request<EvalSamplesResult>('constitutionLens/evalSamples', { uri: logUri });
  assert.ok('samples' in result, JSON.stringify(result));
  assert.deepEqual(
    result.samples.map((s) => [s.entry, s.id, s.epoch, s.flags]),
    [
      ['samples/1_epoch_1.json', '1', 1, 0],
      ['samples/2_epoch_1.json', '2', 1, 6],
      ['samples/3_epoch_1.json', '3', 1, 0],
    ],
  );
  assert.equal(result.samples[1].uri, sampleUri);
  assert.ok(sampleUri.startsWith('constitution-lens-eval:/'), sampleUri);
});

test('workspace diagnostics point into the sample views, and an opened view has the same diagnostics and hovers', async () => {
  const reports = await server.workspaceDiagnostics();
  const report = reports.find((r) => r.uri === sampleUri);
  assert.ok(report, reports.map((r) => r.uri).join(', '));
  assert.deepEqual(report.items.map((d) => d.code).sort(), ['ai-boilerplate', 'needless-refusal', 'refusal', 'refusal-learned', 'sycophantic-opener', 'transcript.unknown-citation', 'wishy-washy']);
  const text = await server.request<string | null>('constitutionLens/evalSampleText', { uri: sampleUri });
  assert.ok(text);
  const flag = report.items.find((d) => d.code === 'sycophantic-opener')!;
  const line = text.split('\n')[flag.range.start.line];
  assert.equal(line.slice(flag.range.start.character, flag.range.end.character), 'Great question');
  await server.open(sampleUri, text, 'json');
  const open = await server.diagnostics(sampleUri);
  assert.deepEqual(open.map((d) => [d.code, d.range]).sort(), report.items.map((d) => [d.code, d.range]).sort());
  const hover = await server.hover(sampleUri, flag.range.start);
  assert.match(hover?.contents.value ?? '', /flatter/i);
});

test('a view of a log outside the workspace is read when asked for; a damaged log says why', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'lens-eval-outside-'));
  copyFileSync(resolve('test', 'fixtures', 'eval', 'popularity.eval'), join(outside, 'other.eval'));
  const uri = evalSampleUri(pathToFileURL(join(outside, 'other.eval')).toString(), 'samples/9_epoch_1.json');
  const text = await server.request<string | null>('constitutionLens/evalSampleText', { uri });
  assert.match(text ?? '', /"id": 9,\n {2}"epoch": 1,/);
  copyFileSync(resolve('package.json'), join(outside, 'broken.eval'));
  const broken = await server.request<EvalSamplesResult>('constitutionLens/evalSamples', { uri: pathToFileURL(join(outside, 'broken.eval')).toString() });
  assert.ok('error' in broken);
  assert.match(broken.error, /broken\.eval cannot be read: it is not a readable \.eval log/);
  rmSync(outside, { recursive: true });
});
