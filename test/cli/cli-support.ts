import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/cloudtally.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child: the test's own, without any CLOUDTALLY_* setting (a developer's shell may have
 * CLOUDTALLY_URL set), plus `env`.
 */
function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLOUDTALLY_')) base[k] = v;
  delete base.AWS_ENDPOINT_URL;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Working directory; a scratch directory keeps a default `./.cloudtally` out of the repository. */
  cwd: string;
  timeoutMs?: number;
  /** Written to the command's standard input, which then closes (otherwise stdin is closed from the start). */
  input?: string;
}

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { out: () => out, err: () => err };
}

function exited(
  child: ChildProcess,
  timeoutMs: number,
  what: string,
): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    // The child itself keeps the test waiting; the timer only bounds it.
    timer.unref();
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve([code, signal]);
    });
  });
}

/** Runs `cloudtally ARGS` to completion with stdin closed (no terminal). */
export async function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  const io = collect(child);
  const [code, signal] = await exited(child, options.timeoutMs ?? 60_000, `cloudtally ${args.join(' ')}`);
  return { code, signal, stdout: io.out(), stderr: io.err() };
}

export interface CliServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;

/** Starts `cloudtally serve ARGS` and resolves once it prints its listening line. */
export async function startCliServer(args: string[], options: RunOptions): Promise<CliServer> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const io = collect(child);
  const done = exited(child, 10 * 60_000, 'cloudtally serve');
  done.catch(() => undefined);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no listening line: ${io.out()} ${io.err()}`));
    }, options.timeoutMs ?? 60_000);
    const check = () => {
      const m = LISTENING.exec(io.out());
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening: ${io.out()} ${io.err()}`));
    });
  });
  return {
    url: match[1],
    port: Number(match[2]),
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await done;
      return { code, signal: sig, stdout: io.out(), stderr: io.err() };
    },
  };
}

export interface Scratch {
  dir: string;
  remove(): void;
}

export function scratchDir(prefix: string): Scratch {
  const dir = mkdtempSync(path.join(tmpdir(), `cloudtally-cli-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
