// `npm start`: runs scripts/e2e/start.ts through tsx. A terminal's Ctrl-C reaches both processes;
// a SIGTERM sent to this one alone is passed on, so that code-server is always stopped.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const start = fileURLToPath(new URL('./e2e/start.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', start, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
