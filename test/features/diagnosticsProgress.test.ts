import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import { countFindings, DiagnosticLimit, limitCode, limitDiagnostics } from '../../server/src/core/features/diagnosticLimit.ts';
import { fileDiagnostics } from '../../server/src/core/features/fileDiagnostics.ts';
import type { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';
import { DiagnosticsWork } from '../../server/src/lsp/diagnosticsWork.ts';
import { randomFrom } from '../support/random.ts';
import { openTranscript, uriOf } from './workspace.ts';

const uri = uriOf('data/chats.jsonl');

/** Line `i`: an assistant that claims to be a person (flagged), every fifth line broken. */
function record(i: number): string {
  if (i % 5 === 4) return `{"messages": [{"role": "user", "content": "line ${i}"},`;
  return `{"messages": [{"role": "user", "content": "Who are you? ${i}"}, {"role": "assistant", "content": "Well, I am a person, line ${i}."}]}`;
}

/** The server's work on one index's diagnostics, kept from call to call as the server keeps it. */
const works = new WeakMap<WorkspaceIndex, DiagnosticsWork>();

/** The diagnostics of `uri` worked out until `deadline`, as the server works them out. */
function fileDiagnosticsUntil(index: WorkspaceIndex, uri: string, deadline: number) {
  let work = works.get(index);
  if (!work) works.set(index, (work = new DiagnosticsWork()));
  return work.until(index, uri, deadline);
}

function openIndex(lines: number) {
  return openTranscript(uri, `${Array.from({ length: lines }, (_, i) => record(i)).join('\n')}\n`);
}

/** The diagnostics a server that has just opened `text` gives. */
function freshDiagnostics(text: string) {
  return fileDiagnostics(openTranscript(uri, text).index, uri);
}

test('diagnostics worked out against a deadline come line by line from the top, and calls one after the other end with what one call gives', () => {
  const whole = fileDiagnostics(openIndex(30).index, uri);
  const { index, parsed } = openIndex(30);
  const lines: number[][] = [];
  for (let call = 0; call < 100; call++) {
    const { diagnostics, complete } = fileDiagnosticsUntil(index, uri, -Infinity);
    lines.push([...new Set(diagnostics.map((d) => d.range.start.line))]);
    if (complete) {
      assert.deepEqual(diagnostics, whole);
      break;
    }
  }
  // Past its deadline a call still works out one more line, and stops there.
  assert.deepEqual(lines.slice(0, 3), [[0], [0, 1], [0, 1, 2]]);
  assert.equal(lines.length, 30, "the call that works out the last line says it is complete");
  assert.deepEqual(parsed, Array.from({ length: 30 }, (_, i) => i), 'each line is parsed once, in order');
  assert.deepEqual(fileDiagnosticsUntil(index, uri, -Infinity).diagnostics, whole);
});

test('a walk that its deadline stopped is taken up where it stopped: across the calls each line is read about once', () => {
  const { index } = openIndex(200);
  const jsonl = index.jsonlLines(uri)!;
  const viewAt = jsonl.viewAt.bind(jsonl);
  let reads = 0;
  jsonl.viewAt = (k: number) => {
    reads++;
    return viewAt(k);
  };
  let calls = 0;
  while (!fileDiagnosticsUntil(index, uri, -Infinity).complete) calls++;
  assert.equal(calls, 199);
  // Walked from the top each time, the calls would read 200 * 201 / 2 lines.
  assert.ok(reads <= 2 * 200 + 1, `${reads} lines read`);
  assert.deepEqual(fileDiagnosticsUntil(index, uri, -Infinity).diagnostics, fileDiagnostics(openIndex(200).index, uri));
});

test('an edit while a walk is stopped starts it again on the new text, which ends with what a fresh check gives', () => {
  const { index } = openIndex(40);
  for (let call = 0; call < 10; call++) assert.equal(fileDiagnosticsUntil(index, uri, -Infinity).complete, false);
  const text = index.get(uri)!.text;
  const lines = text.split('\n');
  // Line 3 no longer flagged, line 30 now broken: one edit behind the walk, one ahead of it.
  lines[3] = lines[3].replace('I am a person', 'I am an assistant');
  lines[30] = lines[30].slice(0, -2);
  const next = lines.join('\n');
  index.upsert(uri, next, 2, 'open');
  let result = fileDiagnosticsUntil(index, uri, -Infinity);
  for (let call = 0; call < 100 && !result.complete; call++) result = fileDiagnosticsUntil(index, uri, -Infinity);
  assert.ok(result.complete);
  assert.deepEqual(result.diagnostics, freshDiagnostics(next));
  assert.ok(!result.diagnostics.some((d) => d.range.start.line === 3 && d.source === 'constitution-lens'), 'the edited line 3 is no longer flagged');
  assert.ok(result.diagnostics.some((d) => d.range.start.line === 30 && d.severity === 1), 'the broken line 30 is an error');
});

function diagnostic(line: number, severity: 1 | 2 | 3 | 4): Diagnostic {
  return { range: { start: { line, character: 0 }, end: { line, character: 1 } }, severity, message: `at ${line}` };
}

test('a report over the limit keeps the most severe diagnostics in file order and says how many it left out', () => {
  const items = [diagnostic(0, 3), diagnostic(1, 2), diagnostic(2, 1), diagnostic(3, 3), diagnostic(4, 2), diagnostic(5, 4), diagnostic(6, 3)];
  assert.equal(limitDiagnostics(items, 7), items);
  const limited = limitDiagnostics(items, 5);
  assert.deepEqual(limited.slice(0, -1).map((d) => d.range.start.line), [0, 1, 2, 4]);
  const notice = limited.at(-1)!;
  assert.equal(notice.code, limitCode);
  assert.equal(notice.severity, 3);
  assert.equal(notice.message, '3 more diagnostics are not shown: at most 5 are shown per file, the most severe first. `constitution-lens check` lists them all.');
  assert.deepEqual(limitDiagnostics(items, 2).slice(0, -1).map((d) => d.range.start.line), [2]);
  assert.match(String(limitDiagnostics(items, 2).at(-1)!.message), /^6 more diagnostics are not shown: at most 2 /);
});

test('the limit applies to a real dataset as the editor would apply it: every error, then warnings in file order', () => {
  const { index } = openIndex(400);
  const all = fileDiagnostics(index, uri);
  const errors = all.filter((d) => d.severity === 1);
  assert.ok(errors.length > 0 && all.length > 200);
  const limited = limitDiagnostics(all, 200);
  assert.equal(limited.length, 200);
  assert.deepEqual(limited.filter((d) => d.severity === 1), errors);
  const rest = all.filter((d) => d.severity !== 1).sort((a, b) => (a.severity ?? 1) - (b.severity ?? 1));
  assert.deepEqual(
    limited.slice(0, -1).filter((d) => d.severity !== 1),
    rest.slice(0, 199 - errors.length).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character),
  );
  assert.match(String(limited.at(-1)!.message), new RegExp(`^${(all.length - 199).toLocaleString('en')} more diagnostics are not shown`));
  // The flags the status bar counts are all of them, the ones left out counted by the notice.
  const flags = all.filter((d) => d.source === 'constitution-lens').length;
  assert.ok(flags > limited.filter((d) => d.source === 'constitution-lens').length, 'some flags are left out');
  assert.equal(countFindings(limited), flags);
  assert.equal(countFindings(all), flags);
  assert.equal(countFindings(limitDiagnostics(all, 1)), flags);
});

test('typing within the lines of a checked dataset works out only the edited lines again, and gives what a fresh check of the text gives', () => {
  const random = randomFrom(7);
  const { index, parsed } = openIndex(60);
  fileDiagnostics(index, uri);
  let text = index.get(uri)!.text;
  const pieces = ['x', '"', ' ', 'I am a person', ',', '\n'];
  let inPlace = 0;
  for (let round = 0; round < 300; round++) {
    const lines = text.split('\n');
    const line = random(lines.length - 1);
    const character = random(lines[line].length + 1);
    const remove = random(3) === 0 && character < lines[line].length ? 1 : 0;
    const piece = remove ? '' : pieces[random(pieces.length)];
    const start = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
    const change = { range: { start: { line, character }, end: { line, character: character + remove } }, text: piece };
    const next = text.slice(0, start) + piece + text.slice(start + remove);
    parsed.length = 0;
    index.upsert(uri, next, round + 2, 'open', [change]);
    const edited = fileDiagnostics(index, uri);
    if (piece !== '\n' && lines[line].trim() !== '' && next.split('\n')[line].trim() !== '') {
      inPlace++;
      assert.deepEqual(parsed, [line], `round ${round}: only the edited line is parsed`);
    }
    assert.deepEqual(edited, freshDiagnostics(next), `round ${round}`);
    text = next;
  }
  assert.ok(inPlace > 200, `${inPlace} edits in place`);
});

test('the limit worked out as diagnostics come, in parts that follow one another, gives what the limit of them all gives', () => {
  const random = randomFrom(23);
  for (let round = 0; round < 200; round++) {
    const parts: Diagnostic[][] = [[], [], []];
    const max = 1 + random(12);
    const limit = new DiagnosticLimit(max, 3);
    const count = random(40);
    for (let i = 0; i < count; i++) {
      const part = random(3);
      const d: Diagnostic = { ...diagnostic(i, (1 + random(4)) as 1 | 2 | 3 | 4), ...(random(2) === 0 ? { source: 'constitution-lens' } : {}) };
      parts[part].push(d);
      limit.add(part, d);
    }
    assert.deepEqual(limit.result(), limitDiagnostics(parts.flat(), max), `round ${round}`);
  }
});
