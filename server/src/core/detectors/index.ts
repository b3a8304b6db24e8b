/** The detectors' public surface: compile constitutions' rules, check transcripts, run examples. */
export { compileRuleset, severityFromOrder, Ruleset, type CompiledDetector } from './ruleset.ts';
export { checkConversation, checkConversations, checkTranscript } from './check.ts';
export { runExamples, exampleConversation, exampleProblems, type ExampleReport, type ExampleFailure } from './examples.ts';
export { parseReview, type Review } from './review.ts';
export { DetectorKind, readDetectors, type DetectorSpec } from './detectorSchema.ts';
export type { CheckOptions, Finding, LoadedConstitution, RulesetProblem } from './types.ts';
