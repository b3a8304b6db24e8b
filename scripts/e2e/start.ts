/**
 * `npm start`: packages the extension, installs the .vsix into a fresh code-server, opens examples/ and
 * prints the address to open in a browser. Ctrl-C stops code-server with everything it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVsix } from '../package.mjs';
import { installExtension, startCodeServer } from './codeServer.ts';
import { ensureCodeServer, root } from './ensureCodeServer.mjs';

async function main(): Promise<void> {
  const tools = ensureCodeServer();
  const stateDir = mkdtempSync(join(tmpdir(), 'constitution-lens-start-'));
  const vsix = packageVsix({ out: join(stateDir, 'constitution-lens.vsix'), quiet: true });
  const installed = installExtension(tools, vsix, stateDir);
  console.log(`Installed ${installed.join(', ')}`);
  const server = await startCodeServer(tools, {
    workspace: join(root, 'examples'),
    stateDir,
    bindAddr: `127.0.0.1:${process.env.PORT ?? '0'}`,
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server ...');
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  void server.exited.then(() => {
    if (!stopping) {
      console.error(`code-server exited:\n${server.output()}`);
      rmSync(stateDir, { recursive: true, force: true });
      process.exit(1);
    }
  });

  const url = `${server.address}/?folder=${encodeURIComponent(server.workspace)}`;
  console.log(`\nConstitution Lens is running in VS Code at:\n\n  ${url}\n\nPress Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
