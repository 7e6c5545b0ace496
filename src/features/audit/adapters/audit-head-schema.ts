/**
 * The SQLite tables of an AuditHead (docs/audit.md, "Storage"). Created on a
 * head's first append, not when it is first asked: verification asks every
 * possible shard head (all 256), and one that never had an event must stay
 * without a database.
 */

/** True once this head's tables exist, i.e. it has had at least one event. */
export function hasHeadSchema(sql: SqlStorage): boolean {
  return (
    sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'head'").toArray()
      .length > 0
  );
}

/** Creates the tables that are missing; idempotent, so heads made by older code gain new ones. */
export function createHeadSchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS head (
    id INTEGER PRIMARY KEY CHECK (id = 1), chain TEXT NOT NULL,
    seq INTEGER NOT NULL, mac TEXT NOT NULL,
    flushed_seq INTEGER NOT NULL, flushed_mac TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0)`);
  sql.exec("CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY, row TEXT NOT NULL)");
  sql.exec("CREATE TABLE IF NOT EXISTS recent (event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
  // Pruning by seq on every append must not scan the table (rows read are billed).
  sql.exec("CREATE INDEX IF NOT EXISTS recent_seq ON recent (seq)");
  // Its own table rather than a column of `head`: heads created before it
  // existed need no ALTER TABLE.
  sql.exec(
    "CREATE TABLE IF NOT EXISTS displaced (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)",
  );
}
