/**
 * Azurite, the Azure Storage emulator, as the tests' real Azure Blob Storage: started by the test itself on a free
 * loopback port with a temporary workspace, over HTTPS with the test certificate (test/fixtures/tls) and OAuth
 * checks on (`--oauth basic`: bearer tokens must come from an Entra-shaped issuer for the storage audience), so that
 * the official `@azure/storage-blob` client reaches it exactly as it reaches a storage account.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TLS_DIR = path.join(here, '..', 'fixtures', 'tls');

/** The self-signed certificate (CN cloudtally-test-localhost, SAN 127.0.0.1 and localhost) and its key. */
export const TEST_TLS = {
  certFile: path.join(TLS_DIR, 'localhost.crt'),
  keyFile: path.join(TLS_DIR, 'localhost.key'),
  get cert(): string {
    return readFileSync(this.certFile, 'utf8');
  },
  get key(): string {
    return readFileSync(this.keyFile, 'utf8');
  },
};

/** Azurite's well-known development account (documented by Azurite; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** Blob endpoint of the development account, path style: `https://127.0.0.1:PORT/devstoreaccount1`. */
  blobUrl: string;
  /** The same for any account name (Azurite answers for its configured accounts only). */
  blobUrlFor(account: string): string;
  port: number;
  accountName: string;
  accountKey: string;
  /** The certificate a client must trust to reach it (PEM). */
  caPem: string;
  close(): Promise<void>;
}

const STARTED = /successfully listens on https?:\/\/[^:]+:(\d+)/;

/**
 * Starts Azurite's blob service and resolves once it listens (its own "successfully listens" line, which names the
 * port it bound), or rejects with its output after `timeoutMs`.
 */
export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const require = createRequire(import.meta.url);
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
  const workspace = mkdtempSync(path.join(tmpdir(), 'cloudtally-azurite-'));
  const child = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      workspace,
      '--silent',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      '--disableTelemetry',
      '--cert',
      TEST_TLS.certFile,
      '--key',
      TEST_TLS.keyFile,
      '--oauth',
      'basic',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: workspace },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`Azurite did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(workspace, { recursive: true, force: true });
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = STARTED.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`Azurite exited (${code ?? signal}):\n${output}`)));
  });
  child.removeAllListeners('exit');
  const base = `https://127.0.0.1:${port}`;
  return {
    blobUrl: `${base}/${AZURITE_ACCOUNT}`,
    blobUrlFor: (account) => `${base}/${account}`,
    port,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    caPem: TEST_TLS.cert,
    close: () => stop(child, workspace),
  };
}

async function stop(child: ChildProcess, workspace: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(workspace, { recursive: true, force: true });
}
