/**
 * SARIF 2.1.0 output of `constitution-lens check`, in the shape GitHub code scanning accepts: one run,
 * the detectors as rules of the tool's driver, each finding a result at its region (1-based lines and
 * UTF-16 columns, SARIF's default column kind), input problems and skipped files as tool notifications;
 * in an `.eval` log the region is in the sample's view, whose entry is the result's `sample` property.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckReport } from './reportWriter.ts';
import type { LoadedConstitution } from '../core/detectors/types.ts';
import type { Severity } from '../core/problem.ts';

const level: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * A reported path as SARIF names it. A path in the working folder is a URI reference relative to
 * `%SRCROOT%`, each segment escaped, since SARIF takes URIs and a file name may hold a space, a `#`
 * or letters beyond ASCII; a path outside it, which the report gives whole, is an absolute file URI
 * that needs no base.
 */
function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** The SARIF log of a whole report: its findings as results, its input problems as notifications. */
export function toSarif(report: CheckReport, constitutions: readonly LoadedConstitution[]): object {
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  for (const f of report.findings) {
    const id = `${f.constitution}/${f.rule}`;
    if (ruleIndex.has(id)) continue;
    ruleIndex.set(id, rules.length);
    const clause = constitutions
      .find((c) => c.constitution.name === f.constitution)
      ?.constitution.clauses.find((c) => c.id === f.principle);
    rules.push({
      id,
      name: f.rule,
      shortDescription: { text: clause ? `May conflict with “${clause.title}”` : `May conflict with ${f.principle}` },
      fullDescription: { text: clause?.text.slice(0, 1000) || f.principle },
      defaultConfiguration: { level: level[f.severity] },
      properties: { principle: f.principle, constitution: f.constitution, tags: ['constitution', f.principle] },
    });
  }
  const region = (r: CheckReport['findings'][number]['range']) => ({
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Constitution Lens',
            informationUri: 'https://github.com/constitution-lens/constitution-lens',
            semanticVersion: '0.1.0',
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...report.problems.map((p) => ({
                level: level[p.severity],
                message: { text: `${p.sample ? `${p.sample}: ` : ''}${p.message} [${p.code}]` },
                locations: [{ physicalLocation: { artifactLocation: artifactLocation(p.path), region: region(p.range) } }],
                ...(p.sample ? { properties: { sample: p.sample } } : {}),
              })),
              ...report.stats.skipped.map((f) => ({
                level: 'note',
                message: { text: `Skipped: ${f.reason}` },
                locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.path) } }],
              })),
            ],
            properties: { constitutions: report.stats.constitutions, roles: report.stats.roles },
          },
        ],
        results: report.findings.map((f) => {
          const id = `${f.constitution}/${f.rule}`;
          return {
            ruleId: id,
            ruleIndex: ruleIndex.get(id),
            level: level[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.path), region: region(f.range) } }],
            // The rule id with its constitution, so that two constitutions' rules of one name at one place stay two results.
            partialFingerprints: { findingHash: `${f.path}${f.sample ? `!${f.sample}` : ''}:${f.conversation}:${f.turn}:${id}:${f.range.start.character}` },
            properties: { conversation: f.conversation, turn: f.turn, role: f.role, principle: f.principle, ...(f.sample ? { sample: f.sample } : {}) },
          };
        }),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}
