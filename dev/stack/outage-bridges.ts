// A second pair of bridges (Neon, Upstash) in front of the same test servers,
// which outage tests stop and start for real through a small control server:
// the Worker under test is pointed at them per request, so the shared bridges
// that every other test uses keep running. Stopping closes the listening socket
// and every open connection; starting listens again on the same port, as a
// database or Redis coming back would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { connectRedis, startNeonBridge, startUpstashBridge } from "../bridges/index.ts";

export interface OutageBridges {
  neonFetchEndpoint: string;
  upstashUrl: string;
  /** POST {controlUrl}/{neon|upstash}/{stop|start} */
  controlUrl: string;
  close(): Promise<void>;
}

interface Restartable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function restartable<T extends { port: number; close(): Promise<void> }>(
  startAt: (port: number) => Promise<T>,
): Promise<{ first: T; handle: Restartable }> {
  let current: T | null = await startAt(0);
  const first = current;
  const port = current.port;
  return {
    first,
    handle: {
      async stop() {
        await current?.close();
        current = null;
      },
      async start() {
        current ??= await startAt(port);
      },
    },
  };
}

export async function startOutageBridges(redisUrl: string, token: string): Promise<OutageBridges> {
  const neon = await restartable((port) => startNeonBridge({ port }));
  const upstash = await restartable((port) =>
    startUpstashBridge({ port, token, redis: () => connectRedis(redisUrl) }),
  );
  const handles: Record<string, Restartable> = { neon: neon.handle, upstash: upstash.handle };
  const control = http.createServer((req, res) => {
    const m = /^\/(neon|upstash)\/(stop|start)$/.exec(req.url ?? "");
    const handle = m ? handles[m[1] as string] : undefined;
    if (req.method !== "POST" || !m || !handle) {
      res.writeHead(404).end();
      return;
    }
    (m[2] === "stop" ? handle.stop() : handle.start()).then(
      () => res.writeHead(204).end(),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  return {
    neonFetchEndpoint: neon.first.fetchEndpoint,
    upstashUrl: upstash.first.url,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    async close() {
      await Promise.allSettled([neon.handle.stop(), upstash.handle.stop()]);
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };
}
