/**
 * The language core is plain functions over plain data: it imports no `vscode`, no LSP connection, no
 * file system and no Node built-in, so that the editor, the command line and the tests run the very
 * same code. This test reads every import of `server/src/core/` and holds it to that rule.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const core = resolve('server/src/core');

/** Packages the core may use: pure libraries with no I/O, and the LSP's plain types. */
const allowedPackages = new Set(['vscode-languageserver-types', 'jsonc-parser', 'yaml', 'markdown-it']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const p of patterns) for (const m of text.matchAll(p)) out.push(m[1]);
  return out;
}

/** Why a specifier breaks the rule, or undefined when the core may import it from `file`. */
function violation(file: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const target = resolve(dirname(file), spec);
    return relative(core, target).startsWith('..') ? `reaches out of the core to ${relative(process.cwd(), target)}` : undefined;
  }
  if (spec.startsWith('node:') || /^(fs|path|os|child_process|worker_threads|crypto|url|stream|util|net|http|https)(\/|$)/.test(spec)) return 'is a Node built-in';
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return allowedPackages.has(name) ? undefined : `is not one of the core's packages (${[...allowedPackages].join(', ')})`;
}

test('the specifier reader finds static, type-only, side-effect and dynamic imports and re-exports', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from 'vscode';",
    "import 'node:fs';",
    "export { c } from '../c.ts';",
    "export * from 'vscode-languageserver/node';",
    "const d = await import('node:path');",
    'import {\n  e,\n  f,\n} from "yaml";',
  ].join('\n');
  assert.deepEqual(specifiers(text).sort(), ['../c.ts', './a.ts', 'node:fs', 'node:path', 'vscode', 'vscode-languageserver/node', 'yaml'].sort());
});

test('the rule names what breaks it', () => {
  const file = join(core, 'detectors', 'x.ts');
  assert.equal(violation(file, '../text.ts'), undefined);
  assert.equal(violation(file, 'yaml'), undefined);
  assert.match(violation(file, 'node:fs') ?? '', /Node built-in/);
  assert.match(violation(file, 'fs') ?? '', /Node built-in/);
  assert.match(violation(file, 'vscode') ?? '', /not one of the core's packages/);
  assert.match(violation(file, 'vscode-languageserver/node') ?? '', /not one of the core's packages/);
  assert.match(violation(file, '../../lsp/settings.ts') ?? '', /out of the core/);
});

test('server/src/core imports no vscode, no LSP connection, no file system and no Node built-in', () => {
  const files = sources(core);
  assert.ok(files.length > 20, `found the core's sources in ${core}`);
  const broken: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const why = violation(file, spec);
      if (why) broken.push(`${relative(process.cwd(), file)}: '${spec}' ${why}`);
    }
  }
  assert.deepEqual(broken, []);
});
