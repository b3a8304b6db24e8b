import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

/**
 * The extension client and the webviews reach the server's code through three named entries, never
 * through its files: `@lens/protocol` (the custom requests), `@lens/critique` (the critique engine)
 * and `@lens/core` (the models and parsers the client reads). So a server module can be moved or
 * split without the client noticing, and what the client depends on is written down in one place each.
 */
const entries: Record<string, string> = {
  '@lens/core': 'server/src/core/index.ts',
  '@lens/critique': 'server/src/critique/index.ts',
  '@lens/protocol': 'server/src/protocol.ts',
};

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.m?[jt]s$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Every module a file names: static imports and re-exports, side-effect imports, dynamic imports and requires. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) out.push(m[1]);
  return out;
}

/** Where a client file reaches into the server other than through an entry: the specifiers that do. */
function deepImports(file: string, text: string): string[] {
  const server = resolve('server');
  return specifiers(text).filter((spec) => {
    const target = spec.startsWith('.') || spec.startsWith('/') ? resolve(dirname(file), spec) : undefined;
    const intoServer = target !== undefined && (target === server || target.startsWith(server + sep));
    return intoServer || (spec.startsWith('@lens/') && !(spec in entries));
  });
}

test('the client and the webviews import server code only through @lens/core, @lens/critique and @lens/protocol', () => {
  const files = [...sources('client/src'), ...sources('media/src')];
  assert.ok(files.length > 10, 'the client sources are found');
  const deep = files.flatMap((file) => deepImports(file, readFileSync(file, 'utf8')).map((spec) => `${relative('.', file)}: ${spec}`));
  assert.deepEqual(deep, [], 'import the server through its entries (tsconfig.json paths), adding to an entry what it lacks');
});

test('the check finds a deep import, a relative path to an entry, a dynamic import and an unknown alias', () => {
  const text = [
    "import { a } from '../../../server/src/core/text.ts';",
    "import type { B } from '../../../server/src/protocol.ts';",
    "export { c } from '@lens/detectors';",
    "const d = await import('../../../server/src/critique/batch.ts');",
    "import { e } from '@lens/core';",
    "import { f } from './local.ts';",
    "import { g } from '../webviewMessages.ts';",
  ].join('\n');
  assert.deepEqual(deepImports('client/src/critique/example.ts', text), [
    '../../../server/src/core/text.ts',
    '../../../server/src/protocol.ts',
    '@lens/detectors',
    '../../../server/src/critique/batch.ts',
  ]);
});

test('each entry is a path of tsconfig.json that esbuild and tsx resolve, and exists', () => {
  const tsconfig = JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { paths?: Record<string, string[]> } };
  const paths = Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths ?? {}).map(([alias, [target]]) => [alias, target.replace(/^\.\//, '')]));
  assert.deepEqual(paths, entries);
  for (const target of Object.values(entries)) assert.ok(existsSync(target), target);
});
