/**
 * The text of a new rule pack for a constitution that has no detectors: the starter's detectors,
 * copied by id under the constitution's first clause, for the author to move to the clauses they
 * serve. The code action on the "no detectors" notice writes it beside the constitution.
 */
import type { Constitution } from '../constitution/model.ts';

/** The file name the new pack takes beside the constitution's file `fileName`. */
export function draftPackName(fileName: string): string {
  return `${fileName.replace(/\.constitution\.(?:md|ya?ml|json)$/i, '').replace(/\.[^./]*$/, '')}.rules.yaml`;
}

/** A pack for `constitution` that copies every one of `detectorIds` (the starter's). */
export function draftPackText(constitution: Constitution, detectorIds: readonly string[]): string {
  const first = constitution.clauses[0]?.id ?? 'clause-id';
  const lines = [
    `# Detectors for "${constitution.title}", copied from the starter constitution. Each sits under the`,
    `# clause "${first}" for now: move it under the clause it serves (any clause id of the constitution),`,
    '# and change or delete what does not fit. A detector may also be written out in full, as in a',
    '# `rules` block.',
    `pack: ${yamlString(constitution.name)}`,
    'for:',
    `  name: ${yamlString(constitution.name)}`,
    `  clauses: [${yamlString(first)}]`,
    'rules:',
    `  ${yamlString(first)}:`,
    ...detectorIds.map((id) => `    - copy: ${id}`),
    '',
  ];
  return lines.join('\n');
}

function yamlString(s: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/.test(s) ? s : JSON.stringify(s);
}
