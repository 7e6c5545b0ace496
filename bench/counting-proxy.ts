// A pass-through HTTP proxy that counts what the Worker sends to Neon's HTTP
// endpoint and to Upstash's REST API: round trips, SQL statements by verb and
// Redis commands by name. It sits in front of the project's bridges only in the
// accounting phase (it adds a hop, so no latency is measured through it).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Counts {
  roundTrips: number;
  /** SQL verbs (SELECT, INSERT, ...) or Redis command names (MGET, EVALSHA, ...). */
  operations: Record<string, number>;
}

export interface CountingProxy {
  /** Origin of the proxy; request paths are forwarded unchanged. */
  url: string;
  counts(): Counts;
  reset(): void;
  close(): Promise<void>;
}

type Classifier = (path: string, body: unknown) => string[];

/** "INSERT refresh_families", "SELECT users": the verb and the first table named. */
export function describeStatement(sql: string): string {
  const verb = (/^\s*(\w+)/.exec(sql)?.[1] ?? "?").toUpperCase();
  const table = /\b(?:into|update|from)\s+"?([\w.]+)"?/i.exec(sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** Neon HTTP: `{query}` or `{queries: [{query}, ...]}` (a batch is one round trip). */
export const neonStatements: Classifier = (_path, body) => {
  const b = body as { query?: string; queries?: Array<{ query: string }> };
  const queries = b.queries ? b.queries.map((q) => q.query) : b.query ? [b.query] : [];
  return queries.map(describeStatement);
};

/** Upstash REST: one command array at `/`, or a list of them at `/pipeline` and `/multi-exec`. */
export const upstashCommands: Classifier = (path, body) => {
  const list = path.startsWith("/pipeline") || path.startsWith("/multi-exec") ? body : [body];
  return (list as unknown[][]).map((cmd) => String(cmd[0] ?? "?").toUpperCase());
};

export async function startCountingProxy(
  target: string,
  classify: Classifier,
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let counts: Counts = { roundTrips: 0, operations: {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      counts.roundTrips++;
      try {
        for (const op of classify(req.url ?? "/", JSON.parse(raw.toString("utf8")))) {
          counts.operations[op] = (counts.operations[op] ?? 0) + 1;
        }
      } catch {
        counts.operations["?"] = (counts.operations["?"] ?? 0) + 1;
      }
      const out = http.request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      out.on("error", () => {
        res.writeHead(502).end();
      });
      out.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => structuredClone(counts),
    reset: () => {
      counts = { roundTrips: 0, operations: {} };
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
