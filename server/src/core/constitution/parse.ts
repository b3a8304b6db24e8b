/**
 * The entry point for constitutions: picks the format from the file name (and, where the name does
 * not tell, from the content) and never throws.
 */
import { parseJsonLocated, parseYamlLocated } from '../located.ts';
import { problem } from '../problem.ts';
import { caiPairsConstitution, caiPrinciplesConstitution, isCaiPairs, isCaiPrinciples } from './cai.ts';
import { parseMarkdownConstitution } from './markdown.ts';
import type { Constitution } from './model.ts';
import { structuredConstitution } from './structured.ts';

const constitutionName = /\.constitution\.(?:md|ya?ml|json)$/i;

/** True for `*.constitution.md`, `*.constitution.yaml`, `*.constitution.yml` and `*.constitution.json`. */
export function isConstitutionFileName(name: string): boolean {
  return constitutionName.test(fileBase(name));
}

/** The last segment of a path or URI. */
function fileBase(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** The name citations use by default: the file's name without `.constitution.ext` or its extension. */
export function constitutionBaseName(fileName: string): string {
  const base = fileBase(fileName);
  return base.replace(constitutionName, '').replace(/\.[^.]*$/, '') || base;
}

/**
 * Parses a constitution in whichever format `fileName` (a path or URI) and the content say:
 * Markdown, YAML or JSON principles, or the Constitutional AI paper's JSON files. Problems of the
 * input are in the result; see `checkConstitution` for the checks on its meaning.
 */
export function parseConstitution(text: string, fileName: string): Constitution {
  const baseName = constitutionBaseName(fileName);
  try {
    const lower = fileBase(fileName).toLowerCase();
    if (/\.ya?ml$/.test(lower)) return structuredConstitution(text, parseYamlLocated(text), 'yaml', baseName);
    if (lower.endsWith('.json')) return fromJson(text, baseName, lower.endsWith('.constitution.json'));
    if (/\.(?:md|markdown)$/.test(lower)) return parseMarkdownConstitution(text, baseName);
    const first = /\S/.exec(text)?.[0];
    if (first === '{' || first === '[') return fromJson(text, baseName, false);
    if (!/^ {0,3}#{1,6}(?:\s|$)/m.test(text) && /^(?:principles:|- )/m.test(text)) {
      return structuredConstitution(text, parseYamlLocated(text), 'yaml', baseName);
    }
    return parseMarkdownConstitution(text, baseName);
  } catch (e) {
    // A parser bug must not take the server down; the file is reported instead.
    const message = e instanceof Error ? e.message : String(e);
    return {
      name: baseName,
      title: baseName,
      format: 'markdown',
      clauses: [],
      metadata: {},
      problems: [problem('constitution.internal', `The constitution could not be read: ${message}`, { start: 0, end: 0 })],
    };
  }
}

function fromJson(text: string, baseName: string, structured: boolean): Constitution {
  const parsed = parseJsonLocated(text);
  if (isCaiPairs(parsed.value)) return caiPairsConstitution(text, parsed, baseName);
  if (!structured && isCaiPrinciples(parsed.value)) return caiPrinciplesConstitution(text, parsed, baseName);
  return structuredConstitution(text, parsed, 'json', baseName);
}
