import type { Migration } from './types.js';

// The AWS fields of a connection leave their own columns of cloud_accounts for one JSON document per account
// (`connection`, TEXT), which the account's provider describes (src/providers/aws/connection/connection-document.ts),
// so that another cloud keeps its own fields there without new columns. The table is rebuilt rather than altered:
// DuckDB does not drop a column of a table that has an index, and rebuilding keeps the whole step one transaction
// on both engines. The column lists are written out so that this step stays what it was when it landed.
const KEPT = [
  'id',
  'org_id',
  'name',
  'provider',
  'type',
  'aws_account_id',
  'secret_id',
  'parent_id',
  'disabled',
  'sync_interval_minutes',
  'status_state',
  'status_detail',
  'diagnostics',
  'last_sync_at',
  'last_attempt_at',
  'next_sync_at',
  'data_freshness',
  'validation',
  'validated_at',
  'created_by',
  'created_at',
  'updated_at',
];

/** Document field → former column. */
const MOVED: [string, string][] = [
  ['roleName', 'role_name'],
  ['roleArn', 'role_arn'],
  ['accessKeyId', 'access_key_hint'],
  ['exportType', 'export_type'],
  ['exportName', 'export_name'],
  ['bucket', 'bucket'],
  ['prefix', 'prefix'],
  ['exportRegion', 'export_region'],
  ['edp', 'edp'],
  ['memberImport', 'member_import'],
  ['payerAccountId', 'payer_account_id'],
];

// JSON text built the same way on both engines: to_json quotes and escapes a value (true/false for edp), and a
// NULL column becomes null.
const DOCUMENT = `'{' || ${MOVED.map(
  ([field, column], i) =>
    `'${i === 0 ? '' : ','}"${field}":' || COALESCE(CAST(to_json(${column}) AS TEXT), 'null')`,
).join(' || ')} || '}'`;

export const connectionDocumentMigration: Migration = {
  id: 20,
  name: 'cloud_accounts: provider-specific connection fields in one JSON document (connection)',
  statements: [
    'CREATE TABLE cloud_accounts_before_20 AS SELECT * FROM cloud_accounts',
    'DROP TABLE cloud_accounts',
    `CREATE TABLE cloud_accounts (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      name TEXT NOT NULL,
      provider TEXT NOT NULL,
      type TEXT NOT NULL,
      aws_account_id TEXT,
      secret_id TEXT,
      connection TEXT NOT NULL DEFAULT '{}',
      parent_id TEXT,
      disabled BOOLEAN NOT NULL DEFAULT FALSE,
      sync_interval_minutes INTEGER,
      status_state TEXT NOT NULL DEFAULT 'pending',
      status_detail TEXT NOT NULL DEFAULT '{}',
      diagnostics TEXT NOT NULL DEFAULT '[]',
      last_sync_at TIMESTAMPTZ,
      last_attempt_at TIMESTAMPTZ,
      next_sync_at TIMESTAMPTZ,
      data_freshness DATE,
      validation TEXT,
      validated_at TIMESTAMPTZ,
      created_by TEXT,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `INSERT INTO cloud_accounts (${KEPT.join(', ')}, connection)
     SELECT ${KEPT.join(', ')}, ${DOCUMENT} FROM cloud_accounts_before_20`,
    'DROP TABLE cloud_accounts_before_20',
    'CREATE UNIQUE INDEX cloud_accounts_org_aws ON cloud_accounts (org_id, provider, aws_account_id)',
  ],
};
