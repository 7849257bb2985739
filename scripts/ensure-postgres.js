// Makes sure PostgreSQL answers on 127.0.0.1:5432, starting the local cluster if it is down.
// Under CI=true a PostgreSQL that cannot be started fails the run: it is never skipped.
import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';

const HOST = process.env.CLOUDTALLY_TEST_PG_HOST ?? '127.0.0.1';
const PORT = Number(process.env.CLOUDTALLY_TEST_PG_PORT ?? 5432);

function canConnect() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port: PORT });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function ensurePostgres() {
  if (await canConnect()) return;
  let versions = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    versions = [];
  }
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL is not reachable on ${HOST}:${PORT} and no local cluster exists in /etc/postgresql: install postgresql or set CLOUDTALLY_TEST_PG_HOST/PORT`,
    );
  }
  const version = versions.sort().at(-1);
  execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`, { stdio: 'inherit' });
  for (let i = 0; i < 50; i++) {
    if (await canConnect()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`PostgreSQL ${version} was started but does not answer on ${HOST}:${PORT}`);
}
