import { spawn, type ChildProcess } from 'node:child_process';

/** Runs README commands with bash, as a person pasting them into a terminal would. */

export interface ShellResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ShellOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

function spawnBash(command: string, o: ShellOptions, stdin: 'ignore' | 'pipe'): ChildProcess {
  // Its own process group, so that stopping it reaches whatever the command started.
  return spawn('bash', ['-c', command], {
    cwd: o.cwd,
    env: o.env,
    stdio: [stdin, 'pipe', 'pipe'],
    detached: true,
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve([child.exitCode, child.signalCode]);
    else child.once('exit', (code, signal) => resolve([code, signal]));
  });
}

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { out: () => out, err: () => err };
}

async function bounded<T>(p: Promise<T>, ms: number, onTimeout: () => void, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command to completion. */
export async function runCommand(command: string, o: ShellOptions): Promise<ShellResult> {
  const child = spawnBash(command, o, 'ignore');
  const io = collect(child);
  const [code, signal] = await bounded(
    exitOf(child),
    o.timeoutMs,
    () => signalGroup(child, 'SIGKILL'),
    `\`${command}\``,
  );
  return { code, signal, stdout: io.out(), stderr: io.err() };
}

export interface LongRunning {
  /** What the process printed when it was ready. */
  readyOutput: string;
  /** Stops it the way its operator would, and returns how it ended. */
  stop(): Promise<ShellResult>;
}

/**
 * Starts a command that runs until stopped and resolves once `ready` matches its output (stdout or stderr).
 * `afterStart` may talk to it (e.g. an MCP request over stdin) before readiness is checked again.
 */
export async function startLongRunning(
  command: string,
  o: ShellOptions & {
    ready: RegExp;
    /** Written to stdin at start (e.g. a JSON-RPC request); stdin stays open until stop. */
    input?: string;
    /** How to stop: SIGTERM to the process group, or closing stdin (stdio servers end with their input). */
    stopBy: 'SIGTERM' | 'stdin';
  },
): Promise<LongRunning> {
  const child = spawnBash(command, o, 'pipe');
  const io = collect(child);
  const exited = exitOf(child);
  if (o.input !== undefined) child.stdin?.write(o.input);
  const readiness = new Promise<string>((resolve, reject) => {
    const check = () => {
      const text = io.out() + io.err();
      if (o.ready.test(text)) resolve(text);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then(([code, signal]) =>
      reject(
        new Error(
          `\`${command}\` ended (code ${code}, signal ${signal}) before it was ready:\n${io.out()}\n${io.err()}`,
        ),
      ),
    );
  });
  let readyOutput: string;
  try {
    readyOutput = await bounded(
      readiness,
      o.timeoutMs,
      () => signalGroup(child, 'SIGKILL'),
      `\`${command}\` becoming ready (${o.ready})`,
    );
  } catch (err) {
    signalGroup(child, 'SIGKILL');
    throw new Error(`${(err as Error).message}\nstdout: ${io.out()}\nstderr: ${io.err()}`);
  }
  return {
    readyOutput,
    async stop() {
      if (o.stopBy === 'stdin') child.stdin?.end();
      else signalGroup(child, 'SIGTERM');
      const [code, signal] = await bounded(
        exited,
        30_000,
        () => signalGroup(child, 'SIGKILL'),
        `\`${command}\` stopping`,
      );
      return { code, signal, stdout: io.out(), stderr: io.err() };
    },
  };
}
