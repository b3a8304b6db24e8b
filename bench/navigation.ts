/**
 * Navigation speed: definition, hover and completion in a workspace of 50 transcripts and the two
 * large constitutions of the corpus (the Model Spec and Claude's 2026 constitution, read here and
 * never copied). Times are server-side: the feature function over the warm workspace index, with
 * the position-to-offset conversion a handler does, per request; p50 and p95 over many requests.
 * Target: within 5 ms each.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { completion } from '../server/src/core/features/completion.ts';
import { definition } from '../server/src/core/features/definition.ts';
import { hover } from '../server/src/core/features/hover.ts';
import { WorkspaceIndex } from '../server/src/core/workspace/index.ts';
import { corpusDir, corpusSkip, readCorpus } from '../test/support/corpus.ts';

const constitutionFiles = ['openai-model-spec-2025-12-18.md', 'claude-constitution-2026.md'];

export async function run(): Promise<void> {
  if (corpusSkip) {
    console.log(`skipped: ${corpusSkip}`);
    return;
  }
  const index = new WorkspaceIndex({ isConstitution: (uri) => constitutionFiles.some((f) => uri.endsWith(`/${f}`)) });
  for (const name of constitutionFiles) {
    index.upsert(pathToFileURL(join(corpusDir, 'constitutions', name)).toString(), readCorpus(join(corpusDir, 'constitutions', name)), 1, 'disk');
  }
  const clauses = index.constitutions().flatMap(({ uri }) => [...index.clausesOf(uri).values()]);
  console.log(`constitutions: ${index.constitutions().map((c) => `${c.constitution.name} (${c.constitution.clauses.length} clauses)`).join(', ')}`);

  // Deterministic pseudo-random choices, so every run measures the same workspace.
  let seed = 42;
  const pick = <T>(list: readonly T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length];
  const cite = () => {
    const ref = pick(clauses);
    return index.clausesWithId(ref.clause.id).length > 1 ? `${ref.constitution.name}#${ref.clause.id}` : ref.clause.id;
  };
  const transcripts: string[] = [];
  for (let t = 0; t < 50; t++) {
    const lines: string[] = [];
    for (let turn = 0; turn < 40; turn++) {
      lines.push(`User: Question ${turn} about the policy, with enough words to look like a real request.`);
      lines.push(`Assistant: An answer of some length that explains the policy in plain words, turn ${turn}.`);
      lines.push(`Note: see [[${cite()}]] and [[${cite()}]]`);
    }
    const uri = `file:///bench/t${t}.transcript`;
    index.upsert(uri, `${lines.join('\n')}\n`, 1, 'disk');
    transcripts.push(uri);
  }
  const positions = transcripts.flatMap((uri) =>
    index.citations(uri).map((ref) => ({ uri, position: index.get(uri)!.lines.positionAt(ref.citation.idSpan.start + 1) })),
  );
  const completionAt = (uri: string) => {
    const file = index.get(uri)!;
    const at = file.text.lastIndexOf('[[') + 3;
    return file.lines.positionAt(at);
  };

  const measure = (name: string, request: (uri: string, position: { line: number; character: number }) => unknown, at: () => { uri: string; position: { line: number; character: number } }) => {
    for (let i = 0; i < 200; i++) {
      const { uri, position } = at();
      request(uri, position);
    }
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const { uri, position } = at();
      const start = performance.now();
      request(uri, position);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
    console.log(`${name.padEnd(11)} p50 ${p(0.5)} ms  p95 ${p(0.95)} ms  max ${times[times.length - 1].toFixed(3)} ms  (${times.length} requests; target 5 ms)`);
  };
  const offset = (uri: string, position: { line: number; character: number }) => index.get(uri)!.lines.offsetAt(position);
  const atCitation = () => pick(positions);
  measure('definition', (uri, position) => definition(index, uri, offset(uri, position)), atCitation);
  measure('hover', (uri, position) => hover(index, uri, offset(uri, position)), atCitation);
  measure('completion', (uri, position) => completion(index, uri, offset(uri, position)), () => {
    const uri = pick(transcripts);
    return { uri, position: completionAt(uri) };
  });
  const cold = performance.now();
  index.upsert(transcripts[0], `${index.get(transcripts[0])!.text}Note: [[x]]\n`, 2, 'open');
  definition(index, transcripts[0], 5);
  console.log(`definition right after an edit of one transcript: ${(performance.now() - cold).toFixed(3)} ms`);
}
