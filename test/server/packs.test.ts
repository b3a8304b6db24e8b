import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';

const chat = "User: Why is the sky blue?\nAssistant: What a truly brilliant thing to ask! Rayleigh scattering.\n";

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lens-server-packs-'));
  copyFileSync(resolve('test', 'fixtures', 'packs', 'model_spec.md'), join(dir, 'model_spec.md'));
  writeFileSync(join(dir, 'chat.transcript'), chat);
  return dir;
}

test('the server recognises a Model Spec named model_spec.md and its pack flags at once, the hover quoting the clause', async () => {
  const dir = folder();
  const server = await TestServer.start({ root: dir });
  try {
    const uri = pathToFileURL(join(dir, 'chat.transcript')).toString();
    await server.open(uri, chat, 'transcript');
    const diagnostics = await server.diagnostics(uri);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['flattery', 2]]);
    const hover = await server.hover(uri, { line: 1, character: 25 });
    assert.match(hover!.contents.value, /\*\*Avoid sycophancy\*\* `model_spec#avoid_sycophancy`/);
    assert.match(hover!.contents.value, /Authority: \*\*user\*\* \(4 of 5\)/);
  } finally {
    await server.stop();
  }
});

test('constitutionLens.packs turns a pack off, and the constitution then says it has no detectors', async () => {
  const dir = folder();
  const server = await TestServer.start({ root: dir, settings: { packs: { 'openai-model-spec': false } } });
  try {
    const uri = pathToFileURL(join(dir, 'chat.transcript')).toString();
    await server.open(uri, chat, 'transcript');
    assert.deepEqual(await server.diagnostics(uri), []);
    const spec = pathToFileURL(join(dir, 'model_spec.md')).toString();
    const notices = (await server.diagnostics(spec)).filter((d) => d.code === 'constitution.no-detectors');
    assert.equal(notices.length, 1);
  } finally {
    await server.stop();
  }
});
