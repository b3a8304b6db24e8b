/**
 * A transcript that the index reads again from disk, rather than keeps, answers every feature as
 * the same text kept in memory does: diagnostics (limited as the editor limits them), citations,
 * findings, clause references and parse problems. The "disk" here is a map the test's reader reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileDiagnostics } from '../../server/src/core/features/fileDiagnostics.ts';
import { limitDiagnostics, limitedFileDiagnostics } from '../../server/src/core/features/diagnosticLimit.ts';
import { workspaceAgreement } from '../../server/src/core/features/agreement.ts';
import { WorkspaceIndex, type FileReader } from '../../server/src/core/workspace/index.ts';
import { randomFrom } from '../support/random.ts';
import { ethics, uriOf } from './workspace.ts';

/** A reader over files kept in a map, counting how often each file is read. */
function mapReader(files: Map<string, string>): FileReader & { reads: number } {
  const reader = {
    reads: 0,
    canRead: (uri: string) => files.has(uri),
    read: (uri: string) => {
      reader.reads++;
      return files.get(uri);
    },
    lines: (uri: string) => {
      reader.reads++;
      return files.get(uri)?.split('\n');
    },
  };
  return reader;
}

/** Record `i`: flagged or not, with notes that cite clauses (one unknown), labels, broken lines, CRLF and lone CR. */
function record(i: number, random: (n: number) => number): string {
  const kind = random(9);
  if (kind === 0) return `{"messages": [{"role": "user", "content": "broken ${i}"},`;
  if (kind === 1) return '';
  const answer = random(2) === 0 ? `Well, I am a person, line ${i}.` : `I am a model, line ${i}.`;
  const note = random(3) === 0 ? `, "note": "see [[${['harm', 'honesty', 'nothing-here'][random(3)]}]]${random(2) ? ' violates honesty' : ''}"` : '';
  const label = random(4) === 0 ? `, "label": "${random(2) ? 'violation' : 'compliant'}", "principle_hint": "honesty"` : '';
  const sep = random(6) === 0 ? ',\r ' : ', ';
  return `{"messages": [{"role": "user", "content": "Who are you? ${i}"}${sep}{"role": "assistant", "content": "${answer}"${note}}]${label}}${random(5) === 0 ? '\r' : ''}`;
}

function indexes(text: string) {
  const uri = uriOf('data/chats.jsonl');
  const kept = new WorkspaceIndex();
  kept.upsert(uriOf('ethics.constitution.md'), ethics, 1, 'disk');
  kept.upsert(uri, text, undefined, 'disk');
  const files = new Map([[uri, text]]);
  const reader = mapReader(files);
  const readAgain = new WorkspaceIndex({ reader });
  readAgain.upsert(uriOf('ethics.constitution.md'), ethics, 1, 'disk');
  const streamed = readAgain.upsertFromReader(uri);
  if (!streamed) readAgain.upsert(uri, text, undefined, 'disk');
  return { uri, kept, readAgain, reader, streamed };
}

test('a JSONL dataset read again from disk gives every feature what the same text kept in memory gives', () => {
  const random = randomFrom(5);
  let streamed = 0;
  for (let round = 0; round < 40; round++) {
    const lines = [`{"messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "I am a person."}]}`];
    for (let i = 1; i < 30 + random(30); i++) lines.push(record(i, random));
    const text = lines.join(random(3) === 0 ? '\r\n' : '\n') + (random(2) ? '\n' : '');
    const { uri, kept, readAgain, streamed: read } = indexes(text);
    if (read) streamed++;
    const at = `round ${round}`;
    assert.deepEqual(readAgain.get(uri)!.lines.rangeOf({ start: 0, end: text.length }), kept.get(uri)!.lines.rangeOf({ start: 0, end: text.length }), at);
    assert.deepEqual(fileDiagnostics(readAgain, uri), fileDiagnostics(kept, uri), at);
    for (const max of [1000, 7, 2]) assert.deepEqual(limitedFileDiagnostics(readAgain, uri, max), limitDiagnostics(fileDiagnostics(kept, uri), max), `${at}, limit ${max}`);
    assert.deepEqual(readAgain.citations(uri), kept.citations(uri), at);
    assert.deepEqual(readAgain.findings(uri), kept.findings(uri), at);
    assert.deepEqual(readAgain.transcriptProblems(uri), kept.transcriptProblems(uri), at);
    assert.equal(readAgain.holdsTranscript(uri), kept.holdsTranscript(uri), at);
    const ethicsUri = uriOf('ethics.constitution.md');
    for (const id of ['honesty', 'harm']) {
      assert.deepEqual(readAgain.citationsOfClause(ethicsUri, id), kept.citationsOfClause(ethicsUri, id), at);
      assert.deepEqual(readAgain.findingsOfClause(ethicsUri, id), kept.findingsOfClause(ethicsUri, id), at);
    }
    assert.deepEqual(workspaceAgreement(readAgain), workspaceAgreement(kept), at);
  }
  assert.ok(streamed > 20, `${streamed} of 40 datasets were put in the index line by line`);
});

test('a dataset read again is not kept: the index reads it from disk when a feature needs it', () => {
  const text = Array.from({ length: 20 }, (_, i) => `{"messages": [{"role": "user", "content": "q ${i}"}, {"role": "assistant", "content": "I am a person, ${i}."}]}`).join('\n');
  const { uri, readAgain, reader } = indexes(text);
  const before = reader.reads;
  assert.equal(fileDiagnostics(readAgain, uri).filter((d) => d.source === 'constitution-lens').length, 20);
  assert.ok(reader.reads > before, 'the diagnostics read the file again');
  const cited = reader.reads;
  readAgain.citations(uri);
  readAgain.citations(uri);
  assert.equal(reader.reads, cited + 1, 'citations are read once, then kept');
});
