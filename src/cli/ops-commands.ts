import type { Command } from 'commander';
import { createBackup } from '../ops/backup.js';
import { restoreBackup } from '../ops/restore.js';
import type { ServerSnapshot } from '../ops/server-snapshot.js';
import { connect, ok, serverOf } from './client.js';
import {
  action,
  configFrom,
  printJson,
  withClientFlags,
  withStoreFlags,
  type ClientFlags,
  type StoreFlags,
} from './common.js';

type BackupFlags = StoreFlags & ClientFlags & { out: string; json?: boolean };
type RestoreFlags = StoreFlags & { in: string; force?: boolean; json?: boolean };

const rows = (tables: Record<string, number>) => Object.values(tables).reduce((a, b) => a + b, 0);

export function registerOpsCommands(program: Command): void {
  withClientFlags(
    withStoreFlags(
      program
        .command('backup')
        .description(
          'Write a backup archive (.tar.gz) of an embedded data directory: a consistent copy of the database, the master key and a manifest with checksums. ' +
            'While a server runs on the directory, it takes the snapshot itself (give --url and an instance administrator’s --token, or CLOUDTALLY_URL and CLOUDTALLY_TOKEN)',
        )
        .requiredOption(
          '--out <file>',
          'the archive to write (must not exist; written with mode 0600: it holds the key)',
        )
        .option('--json', 'print the manifest as JSON'),
    ),
  ).action(
    action(async (flags: BackupFlags) => {
      const config = configFrom(flags);
      // The data directory is backed up here; a server running on it (--url / CLOUDTALLY_URL) takes the snapshot.
      const server = serverOf({ url: flags.url, token: flags.token });
      const api = server ? (await connect(server)).api : undefined;
      const result = await createBackup({
        config,
        out: flags.out,
        serverSnapshot: api
          ? async (): Promise<ServerSnapshot> => ok(api.POST('/api/v1/instance/snapshots'))
          : undefined,
      });
      if (flags.json) {
        printJson({ out: result.out, via: result.via, secrets: result.secrets, manifest: result.manifest });
        return;
      }
      const m = result.manifest;
      process.stdout.write(
        `backed up ${config.dataDir} to ${result.out} (${result.via === 'server' ? 'snapshot taken by the running server' : 'database read directly'}): ` +
          `schema migration ${m.schemaMigration}, ${Object.keys(m.tables).length} tables, ${rows(m.tables)} rows, ${result.secrets} secrets open with the key\n` +
          'the archive holds the master key: keep it as safe as the data directory\n',
      );
    }),
  );

  withStoreFlags(
    program
      .command('restore')
      .description(
        'Bring a backup archive back into an embedded data directory: checks every checksum, the schema version and that the key opens the stored secrets before anything is written',
      )
      .requiredOption('--in <file>', 'the backup archive (from `cloudtally backup`)')
      .option(
        '--force',
        'replace a data directory that is not empty (its contents are moved aside, not deleted)',
      )
      .option('--json', 'print the result as JSON'),
  ).action(
    action(async (flags: RestoreFlags) => {
      const config = configFrom(flags);
      const result = await restoreBackup({ config, archive: flags.in, force: flags.force });
      if (flags.json) {
        printJson(result);
        return;
      }
      const m = result.manifest;
      process.stdout.write(
        `restored ${flags.in} into ${result.dataDir}: Cloudtally ${m.cloudtallyVersion} backup of ${m.createdAt}, schema migration ${m.schemaMigration}, ` +
          `${rows(m.tables)} rows, ${result.secrets} secrets open with its key\n` +
          (result.keptAside ? `the previous contents are in ${result.keptAside}\n` : '') +
          `start it with: cloudtally serve --data-dir ${result.dataDir} (newer schema migrations are applied on start)\n`,
      );
      if (process.env.CLOUDTALLY_SECRET_KEY || process.env.CLOUDTALLY_SECRET_KEY_FILE)
        process.stderr.write(
          'note: CLOUDTALLY_SECRET_KEY or CLOUDTALLY_SECRET_KEY_FILE is set and takes precedence over the restored secret.key\n',
        );
    }),
  );
}
