/**
 * Loads the extension's TextMate grammars the way VS Code does (grammars and injections as package.json
 * contributes them), with small stand-ins for the base grammars VS Code ships, and renders tokens as
 * snapshot text.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

/** The project root; the test runner runs from it. */
export const root = resolve(process.cwd());
export const fixturesDir = join(root, 'test', 'fixtures', 'grammar');
const baseDir = join(fixturesDir, 'base');

/** The parts of package.json's `contributes` that concern grammars. */
export interface GrammarContribution {
  readonly language?: string;
  readonly scopeName: string;
  readonly path: string;
  readonly injectTo?: readonly string[];
  readonly embeddedLanguages?: Record<string, string>;
}

export interface LanguageContribution {
  readonly id: string;
  readonly extensions?: readonly string[];
  readonly aliases?: readonly string[];
  readonly configuration?: string;
}

export interface Manifest {
  readonly contributes: {
    readonly languages: readonly LanguageContribution[];
    readonly grammars: readonly GrammarContribution[];
  };
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** Base grammars that VS Code ships and the tests replace with stand-ins, by the extension of a fixture. */
const baseLanguages: Record<string, string> = {
  '.md': 'text.html.markdown',
  '.json': 'source.json',
  '.jsonl': 'source.json.lines',
};

/** Maps stand-in scope names to their files in `test/fixtures/grammar/base/`. */
function standIns(): Map<string, string> {
  const result = new Map<string, string>();
  for (const name of readdirSync(baseDir)) {
    const path = join(baseDir, name);
    const grammar = JSON.parse(readFileSync(path, 'utf8')) as { scopeName: string };
    result.set(grammar.scopeName, path);
  }
  return result;
}

let onigLib: Promise<textmate.IOnigLib> | undefined;

/** Loads the Oniguruma WebAssembly once per process. */
export function loadOniguruma(): Promise<textmate.IOnigLib> {
  onigLib ??= (async () => {
    const wasmPath = createRequire(join(root, 'package.json')).resolve('vscode-oniguruma/release/onig.wasm');
    const wasm = readFileSync(wasmPath);
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (sources: string[]) => oniguruma.createOnigScanner(sources),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    };
  })();
  return onigLib;
}

/** A registry that resolves the extension's grammars from package.json and the base grammars from stand-ins. */
export function createRegistry(manifest: Manifest = readManifest()): textmate.Registry {
  const paths = standIns();
  for (const g of manifest.contributes.grammars) paths.set(g.scopeName, join(root, g.path));
  return new textmate.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scopeName) => {
      const path = paths.get(scopeName);
      return path === undefined ? null : textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
    getInjections: (scopeName) =>
      manifest.contributes.grammars.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
  });
}

/** The root scope VS Code would pick for a file name: the longest contributed extension wins, as in VS Code. */
export function scopeForFile(fileName: string, manifest: Manifest = readManifest()): string | undefined {
  let best: { extension: string; language: string } | undefined;
  for (const language of manifest.contributes.languages) {
    for (const extension of language.extensions ?? []) {
      if (fileName.endsWith(extension) && (best === undefined || extension.length > best.extension.length)) {
        best = { extension, language: language.id };
      }
    }
  }
  if (best !== undefined) {
    return manifest.contributes.grammars.find((g) => g.language === best.language)?.scopeName;
  }
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : baseLanguages[fileName.slice(dot)];
}

/** One token of a tokenized line. */
export interface Token {
  /** 0-based line. */
  readonly line: number;
  /** UTF-16 columns, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

/** Tokenizes a whole text, line by line, carrying the rule stack across lines as an editor does. */
export function tokenize(grammar: textmate.IGrammar, text: string): Token[] {
  const tokens: Token[] = [];
  let stack = textmate.INITIAL;
  text.split(/\r?\n/).forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, stack);
    for (const t of result.tokens) {
      // The last token of a line may run one past its end, over the line break.
      const end = Math.min(t.endIndex, lineText.length);
      if (end > t.startIndex) {
        tokens.push({ line, start: t.startIndex, end, text: lineText.slice(t.startIndex, end), scopes: t.scopes });
      }
    }
    stack = result.ruleStack;
  });
  return tokens;
}

/**
 * Renders tokens one a line as `line:start-end "text" scopes`, lines 1-based and columns 0-based; the
 * root scope, common to every token, is left out.
 */
export function renderSnapshot(rootScope: string, tokens: readonly Token[]): string {
  const header = `# ${rootScope}: line:start-end "text" scopes (lines from 1, columns from 0, root scope omitted)`;
  const lines = tokens.map(
    (t) => `${t.line + 1}:${t.start}-${t.end} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`.trimEnd(),
  );
  return [header, ...lines].join('\n') + '\n';
}

/** A line diff of two texts (`-` expected, `+` actual), showing only changed lines with their numbers. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i]}   (snapshot line ${i + 1})`);
      i++;
    } else {
      out.push(`+ ${b[j]}   (actual line ${j + 1})`);
      j++;
    }
  }
  return out.join('\n');
}
