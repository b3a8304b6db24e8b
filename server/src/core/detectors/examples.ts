/**
 * Detector examples as tests: every `flag` example must be flagged by its detector and every `pass`
 * example must not. Failures carry the example's place in the constitution, so the language server
 * shows them as problems there (`rule.example-failed`) and the test suite runs them too.
 */
import { problem } from '../problem.ts';
import { verbatimText, type Span } from '../text.ts';
import type { Conversation, Role, Turn } from '../transcript/model.ts';
import { checkConversation } from './check.ts';
import type { CompiledDetector, Ruleset } from './ruleset.ts';
import type { ExampleSpec } from './detectorSchema.ts';
import type { RulesetProblem } from './types.ts';

export interface ExampleFailure {
  readonly expect: 'flag' | 'pass';
  readonly text: string;
  readonly span: Span;
}

/** One detector's examples: how many ran, and those that failed. */
export interface ExampleReport {
  readonly detector: CompiledDetector;
  readonly uri: string;
  readonly rule: string;
  readonly total: number;
  readonly failures: readonly ExampleFailure[];
}

/** Runs every detector's examples through the whole ruleset, as a transcript would be checked. */
export function runExamples(ruleset: Ruleset): ExampleReport[] {
  return ruleset.detectors.map((detector) => {
    const failures: ExampleFailure[] = [];
    const severityOverrides = { [detector.spec.id]: 'warning' as const };
    for (const ex of detector.spec.examples) {
      const findings = checkConversation(exampleConversation(ex, detector.spec.roles[0], detector.spec.tools[0]), ruleset, { severityOverrides });
      const flagged = findings.some((f) => f.rule === detector.spec.id && f.turn === (ex.user === undefined ? 0 : 1));
      if (flagged !== (ex.expect === 'flag')) failures.push({ expect: ex.expect, text: ex.text, span: ex.span });
    }
    return { detector, uri: detector.sourceUri, rule: detector.spec.id, total: detector.spec.examples.length, failures };
  });
}

/** The failures of {@link runExamples} as problems at the examples' places. */
export function exampleProblems(reports: readonly ExampleReport[]): RulesetProblem[] {
  return reports.flatMap((r) =>
    r.failures.map((f) => ({
      uri: r.uri,
      problem: problem(
        'rule.example-failed',
        f.expect === 'flag'
          ? `Detector "${r.rule}" does not flag this example, which it should.`
          : `Detector "${r.rule}" flags this example, which it should not.`,
        f.span,
        'warning',
      ),
    })),
  );
}

/** An example as a conversation; a detector of tool calls gets the example as the arguments of a call of its first tool. */
export function exampleConversation(ex: ExampleSpec, role: Role, tool: string | undefined): Conversation {
  const turns: Turn[] = [];
  if (ex.user !== undefined) turns.push(exampleTurn(0, 'user', ex.user));
  turns.push(exampleTurn(turns.length, role, ex.text, tool));
  return { index: 0, span: { start: 0, end: ex.text.length }, format: 'unknown', turns };
}

function exampleTurn(index: number, role: Role, text: string, tool?: string): Turn {
  const span = { start: 0, end: text.length };
  const block = tool === undefined ? { type: 'text', text: verbatimText(text, 0), span } : { type: 'tool_call', name: tool, text: verbatimText(text, 0), span };
  return { index, role, roleLabel: role, span, blocks: [block], notes: [] };
}
