// `npm run test:e2e [name filter]`: runs the TypeScript harness (scripts/e2e/run.ts) through tsx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('./run.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', harness, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
