import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { readConstitution, starterModelFile, type StarterModel } from '../../server/src/cli/starterModel.ts';
import { builtFile } from '../support/dist.ts';

const starterText = readFileSync('constitutions/starter.constitution.md', 'utf8');

test('the build writes the starter constitution model the parser makes of the file', () => {
  const path = builtFile(starterModelFile);
  assert.ok(readFileSync(path, 'utf8').length > 0, `${path} is written by npm run build`);
  const model = JSON.parse(readFileSync(path, 'utf8')) as StarterModel;
  assert.equal(model.name, 'starter.constitution.md');
  assert.equal(model.text, starterText);
  // JSON leaves out the keys whose value is undefined, which read the same.
  assert.deepStrictEqual(model.constitution, JSON.parse(JSON.stringify(parseConstitution(starterText, 'starter.constitution.md'))));
});

test('the prebuilt model stands only for a file of its own name and text; others are parsed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'starter-model-'));
  const name = 'starter.constitution.md';
  // A model that differs from the parse in one visible place, to tell which was used.
  const parsed = parseConstitution(starterText, name);
  const marked = { ...parsed, title: 'Prebuilt' };
  writeFileSync(join(dir, starterModelFile), JSON.stringify({ name, text: starterText, constitution: marked }));

  assert.equal(readConstitution(starterText, `/anywhere/${name}`, dir).title, 'Prebuilt');
  assert.equal(readConstitution(starterText, '/anywhere/team.constitution.md', dir).title, parsed.title);
  const edited = starterText.replace('Starter constitution', 'Edited constitution');
  assert.equal(readConstitution(edited, name, dir).title, parseConstitution(edited, name).title);
  assert.notEqual(parseConstitution(edited, name).title, parsed.title);
  // Without a model (running from source), every file is parsed.
  assert.deepStrictEqual(readConstitution(starterText, name, mkdtempSync(join(tmpdir(), 'no-model-'))), parsed);
});
