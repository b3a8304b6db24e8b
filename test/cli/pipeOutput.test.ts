import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';

/**
 * A child that writes `lines` numbered lines of 8 KiB through a PipeOutput on its standard output,
 * pausing when asked to, and says on standard error how it ended. With `touch`, it first makes
 * `process.stdout`, which sets the pipe's descriptor non-blocking.
 */
const writer = `
import { PipeOutput } from ${JSON.stringify(resolve('server', 'src', 'cli', 'pipeOutput.ts'))};
const [touch, lines] = [process.argv[2] === 'touch', Number(process.argv[3])];
if (touch) void process.stdout;
let fellBack = false;
const out = new PipeOutput(1, () => {
  fellBack = true;
  return process.stdout;
});
out.on('error', (error) => {
  process.stderr.write('error ' + error.code + '\\n');
  process.exit(3);
});
let i = 0;
const pump = () => {
  while (i < lines) {
    const line = String(i++).padStart(8, '0') + ':' + 'x'.repeat(8182) + '\\n';
    if (!out.write(line)) return void out.once('drain', pump);
  }
  out.end(() => process.stderr.write('done, fell back: ' + fellBack + '\\n'));
};
pump();
`;

// Bundled and run by plain node: a loader such as tsx makes `process.stdout` as it starts.
const dir = mkdtempSync(join(tmpdir(), 'lens-pipe-'));
const script = join(dir, 'writer.cjs');
writeFileSync(join(dir, 'writer.ts'), writer);
buildSync({ entryPoints: [join(dir, 'writer.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'warning' });

/** Runs the writer, reading its output slowly at first so that the pipe fills; gives what came. */
function run(mode: 'plain' | 'touch', lines: number, stopAfter = Infinity): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, mode, String(lines)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      if (size >= stopAfter) child.stdout.destroy();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ out: Buffer.concat(chunks).toString(), err, code }));
  });
}

function assertLines(out: string, lines: number): void {
  const got = out.split('\n');
  assert.equal(got.pop(), '', 'the output ends with a line break');
  assert.equal(got.length, lines);
  got.forEach((line, i) => {
    assert.equal(line.length, 8191, `line ${i} is whole`);
    assert.equal(line.slice(0, 8), String(i).padStart(8, '0'), `line ${i} is in its place`);
  });
}

test('a pipe that its reader empties slowly gets every line, in order, from the thread pool', async () => {
  const r = await run('plain', 2048);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /done, fell back: false/);
  assertLines(r.out, 2048);
});

test('a pipe made non-blocking is finished through the fallback stream, nothing lost or reordered', async () => {
  const r = await run('touch', 2048);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /done, fell back: true/);
  assertLines(r.out, 2048);
});

test('a reader that goes away ends the output with EPIPE, an error the command can tell apart', async () => {
  const r = await run('plain', 100_000, 1 << 20);
  assert.equal(r.code, 3);
  assert.match(r.err, /error EPIPE/);
});
