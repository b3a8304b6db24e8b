/**
 * `npm start [-- PATH]`: packages the extension, installs the .vsix into code-server, opens PATH (or
 * examples/) and prints the address to open in a browser. The editor's state (user settings, the key to
 * the API key the workbench stores, the installed extension) lives in .vscode-test/start/ and lasts
 * between runs. `PORT` sets the port. Ctrl-C stops code-server with everything it started.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageVsix } from '../package.mjs';
import { installExtension, startCodeServer } from './codeServer.ts';
import { cacheDir, ensureCodeServer, root } from './ensureCodeServer.mjs';
import { startOptions } from './startOptions.ts';

async function main(): Promise<number> {
  const options = startOptions(process.argv.slice(2), process.env, root, cacheDir);
  if ('error' in options) {
    console.error(options.error);
    return 2;
  }
  const tools = ensureCodeServer();
  mkdirSync(options.stateDir, { recursive: true });
  const vsix = packageVsix({ out: join(options.stateDir, 'constitution-lens.vsix'), quiet: true });
  // The same version is installed again over the last run's, so that the editor runs the code just built.
  const installed = installExtension(tools, vsix, options.stateDir, undefined, { force: true });
  console.log(`Installed ${installed.join(', ')}`);
  let server;
  try {
    server = await startCodeServer(tools, { workspace: options.workspace, stateDir: options.stateDir, bindAddr: `127.0.0.1:${options.port}` });
  } catch (error) {
    if (/EADDRINUSE/.test(String(error))) {
      console.error(`Port ${options.port} is in use. Choose another with PORT, for example: PORT=${options.port + 1} npm start`);
      return 1;
    }
    throw error;
  }
  const running = server;

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server ...');
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  void running.exited.then(() => {
    if (!stopping) {
      console.error(`code-server exited:\n${running.output()}`);
      process.exit(1);
    }
  });

  const url = `${running.address}/?folder=${encodeURIComponent(running.workspace)}`;
  console.log(
    `\nConstitution Lens is running in VS Code at:\n\n  ${url}\n\nwith ${running.workspace} open. Settings and the API key are kept in ` +
      `${relative(process.env.INIT_CWD ?? process.cwd(), options.stateDir) || options.stateDir} between runs.\nPress Ctrl-C to stop.`,
  );
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
