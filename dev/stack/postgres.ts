// Finds a real PostgreSQL server for tests (or starts a throwaway one) and hands
// out fresh databases. Dev fallbacks (PGlite) never stand in for it in tests.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, stopChild, waitForPort } from "./ports.ts";

export interface PostgresServer {
  /** Connection URL of the maintenance database (used to create and drop others). */
  adminUrl: string;
  stop(): Promise<void>;
}

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function findBinary(name: string): string | null {
  const candidates = [name];
  try {
    const versions = execFileSync("ls", ["/usr/lib/postgresql"], { encoding: "utf8" }).split("\n");
    for (const v of versions.filter(Boolean).sort().reverse()) {
      candidates.push(`/usr/lib/postgresql/${v}/bin/${name}`);
    }
  } catch {}
  for (const c of candidates) {
    try {
      execFileSync(c, ["--version"], { stdio: "ignore" });
      return c;
    } catch {}
  }
  return null;
}

/** initdb refuses to run as root, so a root user runs the cluster as `postgres`. */
function asServiceUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ["runuser", ["-u", "postgres", "--", cmd, ...args]];
  return [cmd, args];
}

async function startThrowaway(): Promise<PostgresServer> {
  const initdb = findBinary("initdb");
  const postgres = findBinary("postgres");
  if (!initdb || !postgres) {
    throw new Error(
      "No PostgreSQL server reachable and no initdb/postgres binaries found. " +
        "Install the Debian `postgresql` package or set TEST_DATABASE_ADMIN_URL.",
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-pg-"));
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
  const [initCmd, initArgs] = asServiceUser(initdb, [
    "-D",
    dir,
    "-U",
    "postgres",
    "-A",
    "trust",
    "--no-sync",
  ]);
  execFileSync(initCmd, initArgs, { stdio: "ignore" });
  const port = await freePort();
  const [cmd, args] = asServiceUser(postgres, [
    "-D",
    dir,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    dir,
    "-F",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: "ignore" });
  await waitForPort("127.0.0.1", port);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; i < 50 && !(await canConnect(adminUrl)); i++)
    await new Promise((r) => setTimeout(r, 100));
  return {
    adminUrl,
    async stop() {
      await stopChild(child, "SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A reachable server: TEST_DATABASE_ADMIN_URL, the local default, or a throwaway cluster. */
export async function findOrStartPostgres(): Promise<PostgresServer> {
  const url = process.env.TEST_DATABASE_ADMIN_URL ?? DEFAULT_URL;
  if (await canConnect(url)) return { adminUrl: url, stop: async () => {} };
  if (process.env.TEST_DATABASE_ADMIN_URL) {
    throw new Error(`TEST_DATABASE_ADMIN_URL is set but not reachable`);
  }
  return startThrowaway();
}

/** Creates an empty database with a unique name; returns its URL and a function that drops it. */
export async function createFreshDatabase(
  server: PostgresServer,
  prefix: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: server.adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
