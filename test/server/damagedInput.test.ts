/**
 * The real server (`dist/server.js`) given damaged documents, as an editor gives it a file half
 * typed or half written: each is opened, pulled for diagnostics, asked every feature at seeded
 * places, edited and pulled again. No handler throws (one that does is logged and answers its
 * fallback, or comes back as an internal error), every diagnostic lies inside its document, and the
 * server is still running at the end.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-protocol';
import { constitutions, damage, transcripts } from '../support/damagedFiles.ts';
import { TestServer } from '../support/lspClient.ts';
import { randomFrom } from '../support/random.ts';

const rounds = 40;
/** JSON-RPC's code for a request whose handler failed. */
const internalError = -32603;

let root: string;
let server: TestServer;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-damaged-'));
  cpSync('examples', root, { recursive: true });
  server = await TestServer.start({ root });
});

after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The lines of `text` as LSP counts them, for positions and for checking ranges. */
function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function positionIn(lines: readonly string[], random: (n: number) => number): Position {
  const line = random(lines.length);
  return { line, character: random(lines[line].length + 1) };
}

/**
 * Whether a range names lines of the document, start before end. A character past its line's end
 * counts as the line's end, as LSP says (a place inside a `\r\n` is one), so only the line is held.
 */
function assertInside(range: Range, lines: readonly string[], what: string): void {
  const fits = (p: Position) => p.line >= 0 && p.line < lines.length && p.character >= 0;
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  assert.ok(fits(range.start) && fits(range.end) && ordered, `${what} ${JSON.stringify(range)} lies inside the document`);
}

test('damaged documents of every kind: each request is answered, every diagnostic lies inside its document, the server keeps running', async () => {
  const random = randomFrom(47);
  const files = [...transcripts, ...constitutions];
  // What the rounds were answered, so that a run in which nothing was read cannot pass.
  let flagged = 0;
  let answered = 0;
  for (let round = 0; round < rounds; round++) {
    const [name, original] = files[random(files.length)];
    let text = damage(original, random);
    const uri = pathToFileURL(join(root, `damaged-${round}-${name}`)).toString();
    const at = `round ${round}, ${name}`;
    const textDocument = { uri };
    await server.open(uri, text);
    for (let edit = 0; edit < 2; edit++) {
      const lines = linesOf(text);
      const diagnostics: Diagnostic[] = await server.diagnostics(uri);
      flagged += diagnostics.length;
      for (const d of diagnostics) assertInside(d.range, lines, `${at}: diagnostic "${d.message}"`);
      const position = positionIn(lines, random);
      const range = { start: position, end: positionIn(lines, random) };
      if (range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character)) {
        [range.start, range.end] = [range.end, range.start];
      }
      const requests: [string, unknown][] = [
        ['textDocument/hover', { textDocument, position }],
        ['textDocument/definition', { textDocument, position }],
        ['textDocument/references', { textDocument, position, context: { includeDeclaration: true } }],
        ['textDocument/completion', { textDocument, position }],
        ['textDocument/prepareRename', { textDocument, position }],
        ['textDocument/codeAction', { textDocument, range, context: { diagnostics } }],
        ['textDocument/documentSymbol', { textDocument }],
        ['textDocument/foldingRange', { textDocument }],
        ['textDocument/documentLink', { textDocument }],
        ['textDocument/codeLens', { textDocument }],
      ];
      for (const [method, params] of requests) {
        // A refusal the feature means (prepareRename's "Only clause ids can be renamed") is an answer;
        // a handler that throws comes back as an internal error.
        const answer = await server.request(method, params).catch((e: { code?: number; message: string }) => {
          if (e.code === internalError) assert.fail(`${at}: ${method} at ${JSON.stringify(position)} threw: ${e.message}`);
        });
        if (answer !== null && answer !== undefined && !(Array.isArray(answer) && answer.length === 0)) answered++;
      }
      // A second damage as an edit of the whole text, as a paste or an undo would make it.
      text = damage(text, random);
      await server.change(uri, [{ text }]);
    }
    await server.close(uri);
  }
  assert.ok(flagged > rounds, `the damaged documents were read and flagged (${flagged} diagnostics)`);
  assert.ok(answered > rounds * 4, `the features answered with something (${answered} answers)`);
  const alive = await Promise.race([server.exited.then(() => false), server.request('textDocument/foldingRange', { textDocument: { uri: pathToFileURL(join(root, 'chats.jsonl')).toString() } }).then(() => true)]);
  assert.equal(alive, true, 'the server still answers');
  // A handler that throws answers its fallback, and says so in the log with its stack.
  assert.deepEqual(
    server.logs.filter((l) => / failed: |^\s+at .+:\d+:\d+\)?$/m.test(l)),
    [],
    'the server logged no failure',
  );
});
