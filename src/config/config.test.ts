import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.js';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the embedded defaults', () => {
    const c = loadConfig({}, {});
    expect(c.dataDir).toBe(path.resolve('.cloudtally'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.port).toBe(8080);
    expect(c.syncIntervalMinutes).toBe(360);
  });

  it('layers file < environment < flags', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-config-'));
    const file = path.join(dir, 'c.yaml');
    writeFileSync(file, 'port: 1000\nlogLevel: debug\nretentionMonths: 6\n');
    const c = loadConfig(
      { configFile: file, port: 3000 },
      { CLOUDTALLY_PORT: '2000', CLOUDTALLY_LOG_LEVEL: 'warn' },
    );
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('warn');
    expect(c.retentionMonths).toBe(6);
  });

  it.each([
    [{ CLOUDTALLY_PORT: 'eighty' }, 'port', 'CLOUDTALLY_PORT'],
    [{ CLOUDTALLY_DATABASE_URL: 'mysql://x' }, 'databaseUrl', 'postgres://'],
    [{ CLOUDTALLY_LOG_LEVEL: 'loud' }, 'logLevel', 'CLOUDTALLY_LOG_LEVEL'],
    [{ CLOUDTALLY_DUCKDB_MEMORY_LIMIT: 'lots' }, 'duckdbMemoryLimit', 'CLOUDTALLY_DUCKDB_MEMORY_LIMIT'],
    [{ CLOUDTALLY_PUBLIC_URL: 'ftp://cost.example.com' }, 'publicUrl', 'CLOUDTALLY_PUBLIC_URL'],
    [{ CLOUDTALLY_TRUST_PROXY: 'maybe' }, 'trustProxy', 'CLOUDTALLY_TRUST_PROXY'],
  ])('names the bad setting %o', (env, field, mention) => {
    try {
      loadConfig({}, env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe(field);
      expect((err as InputError).message).toContain(mention);
    }
  });

  it('trusts no proxy unless told, from the environment or a flag', () => {
    expect(loadConfig({}, {}).trustProxy).toBe(false);
    const c = loadConfig(
      {},
      { CLOUDTALLY_TRUST_PROXY: 'true', CLOUDTALLY_PUBLIC_URL: 'https://cost.example.com' },
    );
    expect(c.trustProxy).toBe(true);
    expect(c.publicUrl).toBe('https://cost.example.com');
    expect(loadConfig({ trustProxy: false }, { CLOUDTALLY_TRUST_PROXY: 'true' }).trustProxy).toBe(false);
  });

  it('rejects unknown settings in the config file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-config-'));
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ configFile: file }, {})).toThrow(/unknown setting\(s\) prot/);
  });
});
