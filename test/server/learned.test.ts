import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';
import { constitutionText } from '../detectors/helpers.ts';

let dir: string;
let server: TestServer;
const uriOf = (rel: string) => pathToFileURL(join(dir, rel)).toString();

/** A refusal that none of the starter's refusal phrases names. */
const transcript = [
  'User: Where can I shoot a good photo?',
  "Assistant: Unfortunately, that's not something I feel comfortable helping with, given the violent wording.",
  '',
].join('\n');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lens-learned-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'chat.transcript'), transcript);
  server = await TestServer.start({ root: dir });
});

after(() => server.stop());

test("the starter's learned detector flags a paraphrased refusal, underlines its strongest words, and explains itself", async () => {
  const uri = uriOf('data/chat.transcript');
  await server.open(uri, transcript, 'transcript');
  const flags = (await server.diagnostics(uri)).filter((d) => d.code === 'refusal-learned');
  assert.equal(flags.length, 1, JSON.stringify(await server.diagnostics(uri)));
  const range = flags[0].range;
  const line = transcript.split('\n')[1];
  const underlined = line.slice(range.start.character, range.end.character);
  assert.equal(range.start.line, 1);
  assert.ok(underlined.length < line.length - 'Assistant: '.length, `the whole turn is underlined: ${underlined}`);
  assert.match(underlined, /comfortable|not something/);
  const hover = await server.hover(uri, range.start);
  assert.ok(hover);
  const md = hover.contents.value;
  assert.match(md, /Learned model: score \*\*0\.\d\d\*\* \(flags at 0\.\d\d and above\)\./);
  assert.match(md, /Cross-validated on 765 labelled turns: precision \d+%, recall \d+%, F1 0\.\d\d\./);
  assert.match(md, /Weighed most: `[^`]+` \(\+\d\.\d\d\)/);
});

test("a learned detector whose model is missing is a problem in its constitution; the model's arrival on disk puts it to work", async () => {
  const rules = [
    '- id: refuses',
    '  kind: learned',
    '  message: Refuses',
    '  model: refuses.model.json',
    '- id: flattery',
    '  kind: phrases',
    '  message: Flatters',
    '  phrases: [shoot a good photo]',
    '  roles: [user]',
  ].join('\n');
  const path = join(dir, 'policy.constitution.md');
  writeFileSync(path, constitutionText(rules));
  const refreshed = server.waitForRefresh();
  await server.filesChanged([{ uri: uriOf('policy.constitution.md'), type: 1 }]);
  await refreshed;
  const problems = await server.diagnostics(uriOf('policy.constitution.md'));
  assert.deepEqual(
    problems.filter((d) => String(d.code).startsWith('rule.')).map((d) => d.code),
    ['rule.model-missing'],
  );
  const transcriptUri = uriOf('data/chat.transcript');
  assert.deepEqual((await server.diagnostics(transcriptUri)).map((d) => d.code), ['flattery']);

  // The starter's model stands in for a trained one; its declaration differs, so it is stale, and runs.
  copyFileSync(resolve('constitutions', 'refusal.model.json'), join(dir, 'refuses.model.json'));
  const again = server.waitForRefresh();
  await server.filesChanged([{ uri: uriOf('refuses.model.json'), type: 1 }]);
  await again;
  const after = await server.diagnostics(uriOf('policy.constitution.md'));
  assert.deepEqual(after.filter((d) => String(d.code).startsWith('rule.')).map((d) => d.code), ['rule.model-stale']);
  assert.deepEqual((await server.diagnostics(transcriptUri)).map((d) => d.code).sort(), ['flattery', 'refuses']);
});
