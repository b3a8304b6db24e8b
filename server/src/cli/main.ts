/** The `constitution-lens` command line tool: `check` for CI, `critique` for model critiques, `agreement` to measure a judge against labels, `train` for learned detectors. */
import { join, resolve } from 'node:path';
import { commandOutput } from './pipeOutput.ts';

const usage = `Usage: constitution-lens <command> [options]

Commands:
  check      Check transcripts and prompts against constitutions (offline detectors).
  critique   Ask a model to critique a turn, or a whole dataset, against the constitution.
  agreement  Measure a judge (the detectors, or model critiques) against reviewers' labels.
  train      Train a constitution's learned detectors from labelled data.

Run "constitution-lens <command> --help" for a command's options.`;

/**
 * A command's own bundle beside this one (dist/check.js, dist/critique.js), loaded only when that
 * command runs: `check` does not pay for the model client, nor `critique` for the detectors.
 */
function bundle<T>(name: string): T {
  return require(join(__dirname, `${name}.js`)) as T;
}

/**
 * Standard output. `process.stdout` is not touched where it is a pipe: making it would set the
 * pipe's descriptor non-blocking, and {@link commandOutput} writes it from the thread pool.
 */
const stdout = commandOutput();

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = {
    stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    starterPath: resolve(__dirname, '..', 'constitutions', 'starter.constitution.md'),
    workerScript: join(__dirname, 'checkThread.js'),
  };
  switch (command) {
    case 'check':
      return bundle<typeof import('./check.ts')>('check').runCheck(rest, io);
    case 'critique':
      return bundle<typeof import('./critique.ts')>('critique').runCritique(rest, io);
    case 'agreement':
      return bundle<typeof import('./agreement.ts')>('agreement').runAgreement(rest, io);
    case 'train':
      return bundle<typeof import('./train.ts')>('train').runTrain(rest, io);
    case '--help':
    case '-h':
    case undefined:
      stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    case '--version':
      stdout.write('0.1.0\n');
      return 0;
    default:
      process.stderr.write(`Unknown command ${command}.\n\n${usage}\n`);
      return 2;
  }
}

// A reader that stops early (`check ... | head`) closes the pipe; that ends the output, not in a crash.
stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`constitution-lens failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
