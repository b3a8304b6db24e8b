// How the language server is started: with the same Node options by the client as by the tests and
// benches, and those options bound the young generation that a workspace walk fills with garbage.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { serverNodeOptions } from '../../server/src/protocol.ts';

/** Allocates short-lived objects as a walk does, then prints the young generation's size in bytes. */
const churn = `
const v8 = require('node:v8');
let kept = [];
for (let i = 0; i < 3e6; i++) { kept.push({ at: i, text: 'line ' + i }); if (kept.length > 20000) kept = []; }
process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
`;

function youngGeneration(options: readonly string[]): number {
  const run = spawnSync(process.execPath, [...options, '-e', churn], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout);
}

test('the client starts the server, in run and debug alike, with the options the tests and benches start it with', () => {
  const extension = readFileSync('client/src/extension.ts', 'utf8');
  assert.match(extension, /run: \{ module: serverModule, transport: TransportKind\.ipc, options: \{ execArgv: \[\.\.\.serverNodeOptions\] \} \}/);
  assert.match(extension, /debug: \{ module: serverModule, transport: TransportKind\.ipc, options: \{ execArgv: \[\.\.\.serverNodeOptions, /);
  const testClient = readFileSync('test/support/lspClient.ts', 'utf8');
  assert.match(testClient, /spawn\(process\.execPath, \[\.\.\.serverNodeOptions, serverPath, '--stdio'\]/);
});

test("the server's options keep the young generation within two 8 MB semi-spaces, where Node alone grows it further", (t) => {
  const unbounded = youngGeneration([]);
  if (unbounded <= 16 * 1024 * 1024) {
    // V8 sizes its default young generation by the machine's memory; on a small machine it is already this small.
    t.skip(`Node's own young generation here is ${unbounded} bytes, no larger than the bound, so the options cannot be told apart`);
    return;
  }
  const bounded = youngGeneration(serverNodeOptions);
  assert.ok(bounded <= 16 * 1024 * 1024, `young generation ${bounded} bytes under ${serverNodeOptions.join(' ')}, ${unbounded} without`);
});
