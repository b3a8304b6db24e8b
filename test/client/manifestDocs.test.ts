// What the manifest does, held against what the README and the walkthrough tell a new user about it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

interface Manifest {
  contributes: {
    menus: { commandPalette: { command: string; when: string }[]; 'editor/context': { command: string; when: string }[] };
    configuration: { properties: Record<string, { default?: unknown }> };
    walkthroughs: { steps: { id: string; description: string; media: { markdown: string } }[] }[];
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
const critiqueStep = manifest.contributes.walkthroughs[0]!.steps.find((s) => s.id === 'critique')!;
const keyStep = manifest.contributes.walkthroughs[0]!.steps.find((s) => s.id === 'setKey')!;
const walkthrough = (step: { media: { markdown: string } }) => readFileSync(step.media.markdown, 'utf8').replace(/\s+/g, ' ');

function palette(command: string): string {
  return manifest.contributes.menus.commandPalette.find((m) => m.command === command)?.when ?? '';
}

test('Critique Selection shows only with a selection and Critique Dataset only for a JSONL file, and the docs say so', () => {
  assert.equal(palette('constitutionLens.critiqueSelection'), 'editorHasSelection');
  assert.match(palette('constitutionLens.critiqueDataset'), /resourceExtname == \.jsonl/);
  assert.match(palette('constitutionLens.critiqueDataset'), /resourceExtname == \.ndjson/);
  const context = manifest.contributes.menus['editor/context'];
  assert.match(context.find((m) => m.command === 'constitutionLens.critiqueSelection')!.when, /^editorHasSelection &&/);
  assert.match(context.find((m) => m.command === 'constitutionLens.critiqueTurn')!.when, /^!editorHasSelection &&/);

  for (const [where, text] of [['README.md', readme], ['the walkthrough', walkthrough(critiqueStep)], ['the walkthrough step', critiqueStep.description]] as const) {
    assert.match(text, /Critique Selection\*{0,2} (appears(, in the Command Palette and the editor.s context menu,)? )?only while words are selected/, where);
    assert.match(text, /Critique Dataset\*{0,2} (appears )?only while a JSONL file/, where);
  }
});

test('the default model, where it is changed, where a key comes from and the base URL are documented as they are', () => {
  const model = manifest.contributes.configuration.properties['constitutionLens.model']!.default as string;
  for (const text of [readme, walkthrough(keyStep)]) {
    assert.ok(text.includes(`\`${model}\``), `the default model ${model} is named`);
    assert.ok(text.includes('`constitutionLens.model`'));
    assert.ok(text.includes('`constitutionLens.baseUrl`'));
    assert.match(text, /Anthropic Console/);
    assert.match(text, /Anthropic-compatible endpoint/);
  }
  assert.match(readme, /`--model ID` or the `CONSTITUTION_LENS_MODEL` variable/);
  assert.match(readme, /on the command line, `ANTHROPIC_BASE_URL`/);
  assert.match(keyStep.description, /Anthropic Console/);
});

test('the README installs the command line tool from the tarball npm pack makes, and the extension from the .vsix', () => {
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  assert.ok(readme.includes(`npm install -g ./constitution-lens-${version}.tgz`));
  assert.ok(readme.includes(`code --install-extension /path/to/constitution-lens/constitution-lens-${version}.vsix`));
  assert.ok(readme.includes(`code-server --install-extension`));
  assert.equal(readme.includes('npx constitution-lens'), false, 'the package is not on the registry, so npx cannot fetch it');
});
