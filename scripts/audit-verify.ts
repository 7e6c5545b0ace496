// `npm run audit:verify`: checks the audit trail with the very verifier the
// Worker uses (src/features/audit/chain.ts), outside the Worker and its limits.
//
//   DATABASE_URL=… AUDIT_HMAC_KEYS=… npm run audit:verify [-- --chain shard-0 …]
//   AUDIT_HMAC_KEYS=… npm run audit:verify -- --file export.ndjson [--checkpoints-from older.ndjson …]
//
// Without --file it reads audit_events and audit_checkpoints from DATABASE_URL.
// With --file it verifies an export of GET /v1/admin/audit/export offline;
// --checkpoints-from adds the checkpoints and heads of exports kept earlier, so
// rows removed since then are found even if the database's checkpoints went too.
// Prints one JSON line. Exit 0: intact; 1: broken (first chain/sequence and
// why); 2: could not verify (usage, keys, connection, incomplete export).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import {
  type AuditCheckpoint,
  type AuditRow,
  type AuditSource,
  type AuditVerifyResult,
  verifyChain,
  verifySource,
} from "../src/features/audit/chain.ts";
import { parseKeyList } from "../src/key-list.ts";

class UsageError extends Error {}

// bigint columns come back as text (pg's default for int8, made explicit), so
// an output column named `seq` is text: every ORDER BY names the table's
// column (`audit_events.seq`), never the bare alias, which PostgreSQL would
// resolve to the text output column and sort 1, 10, 11, …, 2.
const COLUMNS = `chain_id, seq::text AS seq, v, at_ms::text AS at_ms, event_id, type, user_id,
  request_id, ip, user_agent, details, key_id, prev_mac, mac`;

interface DbRow {
  chain_id: string;
  seq: string;
  v: number;
  at_ms: string;
  event_id: string;
  type: string;
  user_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: unknown;
  key_id: string;
  prev_mac: string;
  mac: string;
}

const toRow = (r: DbRow): AuditRow => ({
  v: r.v,
  chain: r.chain_id,
  seq: Number(r.seq),
  at: Number(r.at_ms),
  id: r.event_id,
  type: r.type,
  user_id: r.user_id,
  request_id: r.request_id,
  ip: r.ip,
  user_agent: r.user_agent,
  details: r.details,
  key_id: r.key_id,
  prev_mac: r.prev_mac,
  mac: r.mac,
});

function databaseSource(client: pg.Client, only: string[]): AuditSource {
  return {
    async chainIds() {
      if (only.length) return only;
      const { rows } = await client.query<{ chain_id: string }>(
        "SELECT DISTINCT chain_id FROM audit_events UNION SELECT chain_id FROM audit_checkpoints",
      );
      return rows.map((r) => r.chain_id);
    },
    async checkpoints(chain) {
      // The newest one bounds the tail; older ones lie below it.
      const { rows } = await client.query<{ seq: string; mac: string }>(
        `SELECT seq::text AS seq, mac FROM audit_checkpoints WHERE chain_id = $1
         ORDER BY audit_checkpoints.seq DESC LIMIT 1`,
        [chain],
      );
      return rows.map((r) => ({ chain, seq: Number(r.seq), mac: r.mac, source: "checkpoint" }));
    },
    async rows(chain, after, limit) {
      const { rows } = await client.query<DbRow>(
        `SELECT ${COLUMNS} FROM audit_events WHERE chain_id = $1 AND seq > $2
         ORDER BY audit_events.seq LIMIT $3`,
        [chain, after, limit],
      );
      return rows.map(toRow);
    },
  };
}

interface ExportContents {
  rows: AuditRow[];
  checkpoints: AuditCheckpoint[];
}

/** Reads an export; `requireEnd` refuses one that was cut off (no `end` line, or counts differ). */
function readExport(path: string, requireEnd: boolean): ExportContents {
  const rows: AuditRow[] = [];
  const checkpoints: AuditCheckpoint[] = [];
  let end: { events: number; checkpoints: number } | null = null;
  let stored = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const { kind, ...rest } = JSON.parse(line) as { kind: string } & Record<string, unknown>;
    if (kind === "event") rows.push(rest as unknown as AuditRow);
    else if (kind === "checkpoint") {
      stored++;
      const cp = rest as unknown as AuditCheckpoint;
      checkpoints.push({
        chain: cp.chain,
        seq: cp.seq,
        mac: cp.mac,
        source: `checkpoint in ${path}`,
      });
    } else if (kind === "head") {
      const head = rest as unknown as AuditCheckpoint;
      if (head.seq > 0) {
        checkpoints.push({
          chain: head.chain,
          seq: head.seq,
          mac: head.mac,
          source: `head in ${path}`,
        });
      }
    } else if (kind === "end") end = rest as unknown as { events: number; checkpoints: number };
  }
  if (requireEnd && (!end || end.events !== rows.length || end.checkpoints !== stored)) {
    throw new UsageError(`${path} is incomplete: the export was cut off`);
  }
  return { rows, checkpoints };
}

async function main(): Promise<AuditVerifyResult> {
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      "checkpoints-from": { type: "string", multiple: true, default: [] },
      chain: { type: "string", multiple: true, default: [] },
    },
  });
  const keys = parseKeyList(process.env.AUDIT_HMAC_KEYS);
  if (!keys) throw new UsageError("AUDIT_HMAC_KEYS is missing or malformed (id:base64key,…)");
  const earlier = values["checkpoints-from"].flatMap((p) => readExport(p, false).checkpoints);
  const only = values.chain;
  const wanted = <T extends { chain: string }>(xs: T[]) =>
    only.length ? xs.filter((x) => only.includes(x.chain)) : xs;

  if (values.file) {
    const current = readExport(values.file, true);
    return verifyChain(wanted(current.rows), wanted([...current.checkpoints, ...earlier]), keys);
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new UsageError("DATABASE_URL is not set (or pass --file)");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const source = databaseSource(client, only);
    return await verifySource(
      {
        ...source,
        chainIds: async () => [
          ...new Set([...(await source.chainIds()), ...wanted(earlier).map((c) => c.chain)]),
        ],
        checkpoints: async (chain) => [
          ...(await source.checkpoints(chain)),
          ...earlier.filter((c) => c.chain === chain),
        ],
      },
      keys,
    );
  } finally {
    await client.end();
  }
}

try {
  const result = await main();
  console.log(JSON.stringify(result));
  process.exitCode = result.ok ? 0 : 1;
} catch (err) {
  const message =
    err instanceof UsageError ? err.message : `${(err as Error)?.name}: cannot verify`;
  if (!(err instanceof UsageError)) console.error(err);
  console.log(JSON.stringify({ ok: false, error: message }));
  process.exitCode = 2;
}
