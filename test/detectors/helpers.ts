/** Inline constitutions and transcripts for detector tests. */
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { checkTranscript, compileRuleset, type CheckOptions, type Finding, type Ruleset } from '../../server/src/core/detectors/index.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';

export const uri = 'file:///w/test.constitution.md';

/** A Markdown constitution with one clause holding `rules` (YAML), under an optional front matter. */
export function constitutionText(rules: string, heading = '## Be direct {#direct}', front = ''): string {
  return `${front ? `---\n${front}\n---\n` : ''}# Test\n\n${heading}\n\nSay it plainly.\n\n\`\`\`rules\n${rules}\n\`\`\`\n`;
}

export function ruleset(text: string): Ruleset {
  return compileRuleset([{ uri, constitution: parseConstitution(text, 'test.constitution.md') }]);
}

/** Findings as `[rule, matched source text, start]`, for exact comparisons. */
export function check(rs: Ruleset, transcript: string, fileName = 'a.transcript', options?: CheckOptions): Finding[] {
  return checkTranscript(parseTranscript(transcript, fileName), rs, options);
}

export function seen(source: string, findings: readonly Finding[]): [string, string, number][] {
  return findings.map((f) => [f.rule, source.slice(f.span.start, f.span.end), f.span.start]);
}
