import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultPort, startOptions } from '../../scripts/e2e/startOptions.ts';

const scratch = mkdtempSync(join(tmpdir(), 'cl-start-'));
const root = join(scratch, 'clone');
const cache = join(root, '.vscode-test');
const home = join(scratch, 'home');
mkdirSync(join(root, 'examples'), { recursive: true });
mkdirSync(join(home, 'audits', 'march'), { recursive: true });
writeFileSync(join(home, 'audits', 'notes.md'), '');
after(() => rmSync(scratch, { recursive: true, force: true }));

test('npm start opens examples/ on the default port, with its state kept under the harness cache', () => {
  assert.deepEqual(startOptions([], {}, root, cache), { workspace: join(root, 'examples'), port: defaultPort, stateDir: join(cache, 'start') });
});

test('npm start -- PATH opens that folder, a relative PATH taken from where npm was run', () => {
  const env = { INIT_CWD: home };
  assert.equal((startOptions(['audits/march'], env, root, cache) as { workspace: string }).workspace, join(home, 'audits', 'march'));
  assert.equal((startOptions(['--', 'audits'], env, root, cache) as { workspace: string }).workspace, join(home, 'audits'));
  assert.equal((startOptions([join(home, 'audits')], {}, root, cache) as { workspace: string }).workspace, join(home, 'audits'));
});

test('the state folder is the same whatever folder is opened, so settings and the key carry over', () => {
  const a = startOptions([], {}, root, cache) as { stateDir: string };
  const b = startOptions(['audits'], { INIT_CWD: home }, root, cache) as { stateDir: string };
  assert.equal(a.stateDir, b.stateDir);
});

test('PORT sets the port; 0 asks for a free one', () => {
  assert.equal((startOptions([], { PORT: '9123' }, root, cache) as { port: number }).port, 9123);
  assert.equal((startOptions([], { PORT: '0' }, root, cache) as { port: number }).port, 0);
});

test('a missing folder, a file, two folders or a bad port is a plain error', () => {
  const env = { INIT_CWD: home };
  assert.deepEqual(startOptions(['nowhere'], env, root, cache), { error: `There is no folder ${join(home, 'nowhere')}.` });
  assert.match((startOptions(['audits/notes.md'], env, root, cache) as { error: string }).error, /is a file; npm start opens a folder/);
  assert.match((startOptions(['audits', 'audits/march'], env, root, cache) as { error: string }).error, /opens one folder; it was given 2/);
  assert.match((startOptions([], { PORT: 'eighty' }, root, cache) as { error: string }).error, /PORT must be a port number from 0 to 65535, not "eighty"/);
  assert.match((startOptions([], { PORT: '70000' }, root, cache) as { error: string }).error, /PORT must be a port number/);
});
