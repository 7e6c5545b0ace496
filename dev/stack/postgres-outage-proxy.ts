// A TCP proxy in front of the test PostgreSQL server that tests stop and start
// for real through a small control server. The audit chain heads reach Postgres
// through it (AUDIT_DATABASE_URL), so a test can take Postgres away from them
// while the Neon bridge and every other test keep working. Stopping closes the
// listening socket and every open connection (what a stopped server does to
// its clients); starting listens again on the same port.
import http from "node:http";
import net from "node:net";

export interface PostgresOutageProxy {
  /** `databaseUrl` with host and port replaced by the proxy's. */
  url: string;
  /** POST {controlUrl}/stop and {controlUrl}/start. */
  controlUrl: string;
  close(): Promise<void>;
}

export async function startPostgresOutageProxy(databaseUrl: string): Promise<PostgresOutageProxy> {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  let server: net.Server | null = null;
  let port = 0;

  async function start(): Promise<void> {
    if (server) return;
    const srv = net.createServer((client) => {
      const upstream = net.connect({ host: target.hostname, port: targetPort });
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.once("error", () => upstream.destroy());
      upstream.once("error", () => client.destroy());
      client.once("close", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => resolve());
    });
    port = (srv.address() as net.AddressInfo).port;
    server = srv;
  }

  async function stop(): Promise<void> {
    const srv = server;
    server = null;
    for (const s of sockets) s.destroy();
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  }

  await start();
  const control = http.createServer((req, res) => {
    const action = req.method === "POST" ? /^\/(stop|start)$/.exec(req.url ?? "")?.[1] : undefined;
    if (!action) {
      res.writeHead(404).end();
      return;
    }
    (action === "stop" ? stop() : start()).then(
      () => res.writeHead(204).end(),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    controlUrl: `http://127.0.0.1:${(control.address() as net.AddressInfo).port}`,
    async close() {
      await stop();
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };
}
