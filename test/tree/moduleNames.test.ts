import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { test } from 'node:test';

/**
 * A module's name says what it does, so that a newcomer who reads `check.ts` in a stack trace or an
 * import knows which one is meant. Two modules may share a name only when one is a feature and the
 * others are its registrations at the edges (the language server's `lsp/`, the command line's `cli/`),
 * or when the name is a folder's own role in it: its entry, its data model, its parser, its types.
 */
const roleNames = new Set(['index.ts', 'model.ts', 'parse.ts', 'types.ts']);
const edges = ['server/src/lsp/', 'server/src/cli/'];

function modules(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) modules(path, out);
    else if (entry.name.endsWith('.ts')) out.push(relative('.', path).split('\\').join('/'));
  }
  return out;
}

test('no two modules of the client and the server share a name unless one is a feature and the others its edges', () => {
  const byName = new Map<string, string[]>();
  for (const path of [...modules('server/src'), ...modules('client/src')]) {
    const name = basename(path);
    byName.set(name, [...(byName.get(name) ?? []), path]);
  }
  const clashes = [...byName]
    .filter(([name, paths]) => paths.length > 1 && !roleNames.has(name))
    .filter(([, paths]) => paths.filter((p) => !edges.some((edge) => p.startsWith(edge))).length > 1);
  assert.deepEqual(clashes, [], 'modules of one name doing different jobs: rename the one whose name says less');
});

test('the command line lives in server/src/cli/ and nothing of it is left loose beside the server', () => {
  const loose = readdirSync('server/src').filter((name) => /^(cli|check|sarif|reportWriter|lineReader|pipeOutput|starterModel).*\.ts$/.test(name));
  assert.deepEqual(loose, []);
});
