#!/usr/bin/env bash
# Makes the upgrade fixture of test/upgrade/upgrade.test.ts WITH THE OLD CODE: a Cloudtally checkout at the commit
# where issue 14 was filed (237033a, schema migrations 1-9), installed with `npm ci`:
#
#   git worktree add --detach /tmp/cloudtally-old 237033a && (cd /tmp/cloudtally-old && npm ci)
#   bash test/upgrade/make-fixture.sh /tmp/cloudtally-old
#
# It runs the old checkout's own CLI only: its AWS simulator (scenario `small`, clock at 2026-11-20), `users create` and
# `tokens create` on a fresh database, `serve`, then connects the payer through the REST API (access keys, so the
# vault holds a secret; every member account imported), waits for the first sync, and records what the old code
# answers. Once for a DuckDB data directory and once for a PostgreSQL database (local server, a scratch database that
# is dropped afterwards). Writes test/upgrade/fixtures/issue-14/: duckdb-data.tar.gz (cloudtally.duckdb and
# secret.key), postgres.sql.gz (plain pg_dump), postgres-secret.key and facts.json.
set -euo pipefail
OLD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/fixtures/issue-14"
PG_ADMIN=${CLOUDTALLY_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS cloudtally_upgrade_fixture WITH (FORCE)' >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"
ct() { (cd "$OLD" && node bin/cloudtally.js "$@"); }

# Waits until FILE has a line matching PATTERN (bounded), then prints the URL in it.
wait_url() {
  for _ in $(seq 1 600); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -o 'http://127.0.0.1:[0-9]*' "$1" | head -1; return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}

(cd "$OLD" && exec node bin/cloudtally.js sim --scenario small --port 0 --now 2026-11-20T12:00:00Z \
  --data-dir "$WORK/sim") >"$WORK/sim.log" 2>&1 &
PIDS+=($!)
SIM=$(wait_url "$WORK/sim.log" 'simulator listening')
export AWS_ENDPOINT_URL=$SIM AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIASIMHOST000000001 \
  AWS_SECRET_ACCESS_KEY=simHostSecretKey0000000000000000000001 CLOUDTALLY_SCHEDULER=false CLOUDTALLY_LOG_LEVEL=warn

PASSWORD=fixture-password-2026
# make ENGINE STOREFLAGS...: users, token, server, connection, first sync; leaves $WORK/ENGINE-facts.json
make() {
  local engine=$1; shift
  ct users create "$@" --org Acme --email owner@acme.test --role manager --password "$PASSWORD" >/dev/null
  ct users create "$@" --org Acme --email engineer@acme.test --role engineer --password "$PASSWORD" >/dev/null
  ct users create "$@" --org Beta --email viewer@beta.test --role viewer --password "$PASSWORD" >/dev/null
  local token
  token=$(ct tokens create "$@" --email owner@acme.test --name fixture)
  (cd "$OLD" && exec node bin/cloudtally.js serve --port 0 "$@") >"$WORK/$engine-serve.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  local url
  url=$(wait_url "$WORK/$engine-serve.log" 'listening on')
  local auth=(-sf -H "authorization: Bearer $token")
  curl "${auth[@]}" -H 'content-type: application/json' -X POST "$url/api/v1/cloud-accounts" -d '{
    "name": "payer", "provider": "aws", "type": "root", "awsAccountId": "111111111111",
    "accessKeyId": "AKIASIMPAYERUSER0001", "secretAccessKey": "payerUserSecret000000000000000000000001",
    "exportType": "cur2", "exportName": "small-cur2", "bucket": "small-cur", "prefix": "cur2",
    "exportRegion": "us-east-1", "edp": true, "memberImport": "all"}' >/dev/null
  for _ in $(seq 1 900); do
    local accounts
    accounts=$(curl "${auth[@]}" "$url/api/v1/cloud-accounts")
    if node -e 'const a=JSON.parse(process.argv[1]).items;process.exit(a.length&&a.every(x=>x.status.lastSyncAt&&x.status.state!=="syncing"&&x.status.state!=="pending")?0:1)' "$accounts"; then break; fi
    sleep 0.5
  done
  local costs='{}'
  for basis in billed net amortized net_amortized; do
    local answer
    answer=$(curl "${auth[@]}" "$url/api/v1/costs?from=2026-10-01&to=2026-11-30&granularity=month&basis=$basis")
    costs=$(node -e 'const c=JSON.parse(process.argv[1]);const a=JSON.parse(process.argv[2]);c[process.argv[3]]={total:a.total,currency:a.currency,series:a.series??a.items??a.periods??null};console.log(JSON.stringify(c))' "$costs" "$answer" "$basis")
  done
  local accounts
  accounts=$(curl "${auth[@]}" "$url/api/v1/cloud-accounts")
  kill -TERM $pid; wait $pid || true
  node -e 'const [c,a,t,p]=process.argv.slice(1);console.log(JSON.stringify({token:t,password:p,costs:JSON.parse(c),accounts:JSON.parse(a).items.map(x=>({name:x.name,awsAccountId:x.awsAccountId,type:x.type,state:x.status.state}))}))' \
    "$costs" "$accounts" "$token" "$PASSWORD" >"$WORK/$engine-facts.json"
}

mkdir -p "$WORK/duck"
make duckdb --data-dir "$WORK/duck"
psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS cloudtally_upgrade_fixture WITH (FORCE)' >/dev/null
psql "$PG_ADMIN" -qc 'CREATE DATABASE cloudtally_upgrade_fixture' >/dev/null
PG_URL=${PG_ADMIN%/*}/cloudtally_upgrade_fixture
mkdir -p "$WORK/pgkey"
make postgres --database-url "$PG_URL" --data-dir "$WORK/pgkey"

# Row counts per table, read with the old checkout's own database drivers.
(cd "$OLD" && node --input-type=module -e '
import { DuckDBInstance } from "@duckdb/node-api";
import pg from "pg";
const [duckFile, pgUrl] = process.argv.slice(1);
const out = { duckdb: {}, postgres: {} };
const inst = await DuckDBInstance.create(duckFile);
const conn = await inst.connect();
const tables = (await conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = '\''main'\'' ORDER BY 1")).getRowObjectsJS().map((r) => r.table_name);
for (const t of tables) out.duckdb[t] = Number((await conn.runAndReadAll(`SELECT count(*) AS n FROM "${t}"`)).getRowObjectsJS()[0].n);
conn.closeSync(); inst.closeSync();
const c = new pg.Client({ connectionString: pgUrl }); await c.connect();
const pt = (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = '\''public'\'' ORDER BY 1")).rows.map((r) => r.table_name);
for (const t of pt) out.postgres[t] = Number((await c.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
await c.end();
console.log(JSON.stringify(out));
' "$WORK/duck/cloudtally.duckdb" "$PG_URL") >"$WORK/rows.json"

pg_dump --no-owner --no-privileges "$PG_URL" | gzip -9 >"$OUT/postgres.sql.gz"
cp "$WORK/pgkey/secret.key" "$OUT/postgres-secret.key"
tar -C "$WORK/duck" -czf "$OUT/duckdb-data.tar.gz" cloudtally.duckdb secret.key
node -e '
const fs = require("fs");
const [w, commit] = process.argv.slice(1);
const rows = JSON.parse(fs.readFileSync(w + "/rows.json", "utf8"));
const facts = { commit, madeAt: new Date().toISOString(), engines: {} };
for (const e of ["duckdb", "postgres"]) facts.engines[e] = { ...JSON.parse(fs.readFileSync(`${w}/${e}-facts.json`, "utf8")), rows: rows[e] };
console.log(JSON.stringify(facts, null, 2));
' "$WORK" "$(cd "$OLD" && git rev-parse HEAD)" >"$OUT/facts.json"
ls -l "$OUT"
