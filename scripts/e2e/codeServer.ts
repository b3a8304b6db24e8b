/**
 * Starts and stops code-server (VS Code served to a browser) for the end-to-end harness and `npm start`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tools } from './ensureCodeServer.mjs';

/** Options of {@link startCodeServer}. */
export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** The folder for user data and extensions; a fresh temporary folder when absent. */
  stateDir?: string;
  /** The extensions folder; `<stateDir>/extensions` when absent. */
  extensionsDir?: string;
  /** `host:port` to bind; `127.0.0.1:0` (a free port on loopback) when absent. */
  bindAddr?: string;
  /** Lets the workbench run an extension's tests from the URL's payload. */
  smokeTestDriver?: boolean;
  /** Extra environment for the server and so for the extension host. */
  env?: NodeJS.ProcessEnv;
  /** Receives every line code-server prints. */
  onOutput?: (line: string) => void;
}

/** A running code-server. */
export interface CodeServer {
  /** The address to open, such as `http://127.0.0.1:41234`, without a trailing slash. */
  address: string;
  /** `host:port` of the address, as the `vscode-remote://` URIs of the payload name it. */
  authority: string;
  /** The opened folder. */
  workspace: string;
  /** The folder holding user data and extensions. */
  stateDir: string;
  /** Everything code-server printed so far. */
  output: () => string;
  /** Stops the server and every process it started; resolves when it has exited. */
  stop: () => Promise<void>;
  /** Resolves when the server has exited, stopped or not. */
  exited: Promise<void>;
}

/**
 * The user settings a code-server of the harness starts with, written when its user data has none; a
 * person's own changes to them (under `npm start`) are kept from run to run.
 */
export const workbenchSettings = {
  'chat.disableAIFeatures': true,
  // The workspace of `npm start` and of the tests is often a folder inside a clone: the editor would
  // otherwise offer, at every start, to open the repository found in a parent folder.
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
} as const;

const listening = /HTTP server listening on (http:\/\/[^\s/]+)/;

/** Arguments common to every code-server command line of the harness. */
function baseArgs(tools: Tools, stateDir: string, extensionsDir: string): string[] {
  const config = join(stateDir, 'config.yaml');
  // An own config file keeps code-server from writing one with a password into the user's home.
  writeFileSync(config, 'auth: none\n');
  const user = join(stateDir, 'user-data', 'User');
  mkdirSync(user, { recursive: true });
  // A quiet workbench: no chat side bar, welcome page or telemetry to cover what the tests look at.
  const settings = join(user, 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(workbenchSettings, null, 2));
  return [tools.codeServer, '--config', config, '--user-data-dir', join(stateDir, 'user-data'), '--extensions-dir', extensionsDir];
}

/** Creates a fresh folder for one code-server's user data and extensions. */
export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'constitution-lens-code-server-'));
}

/**
 * Installs a `.vsix` (or an extension id) into an extensions folder, offline, and lists what is
 * installed. With `force`, a version already installed is replaced.
 */
export function installExtension(
  tools: Tools,
  vsix: string,
  stateDir: string,
  extensionsDir = join(stateDir, 'extensions'),
  options: { force?: boolean } = {},
): string[] {
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = baseArgs(tools, stateDir, extensionsDir);
  const install = spawnSync(tools.node, [...args, '--install-extension', vsix, ...(options.force ? ['--force'] : [])], { env: tools.env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`Installing ${vsix} failed:\n${install.stdout}${install.stderr}`);
  const list = spawnSync(tools.node, [...args, '--list-extensions', '--show-versions'], { env: tools.env, encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`Listing extensions failed:\n${list.stdout}${list.stderr}`);
  return list.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Starts code-server with its user data in `stateDir` (a fresh folder when absent) and resolves once it listens. */
export function startCodeServer(tools: Tools, options: CodeServerOptions): Promise<CodeServer> {
  const stateDir = options.stateDir ?? freshStateDir();
  const extensionsDir = options.extensionsDir ?? join(stateDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    ...baseArgs(tools, stateDir, extensionsDir),
    '--auth', 'none',
    '--bind-addr', options.bindAddr ?? '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    options.workspace,
  ];
  // A process group of its own lets stop() end code-server with its extension hosts and language servers.
  const child: ChildProcess = spawn(tools.node, args, {
    env: { ...tools.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // The extension hosts may outlive the server by a moment; the group is ended for good.
    signalGroup(child, 'SIGKILL');
  };

  return new Promise<CodeServer>((resolve, reject) => {
    let settled = false;
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim()) options.onOutput?.(line);
      const match = listening.exec(output);
      if (match && !settled) {
        settled = true;
        const address = match[1]!;
        resolve({ address, authority: new URL(address).host, workspace: options.workspace, stateDir, output: () => output, stop, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!settled) {
        settled = true;
        reject(new Error(`code-server exited (${signal ?? code}) before listening:\n${output}`));
      }
    });
    child.once('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already exited.
  }
}
