// A minimal Chrome DevTools Protocol client for workerd's inspector
// (`workerd serve --inspector-addr`): one session per worker, which is one V8
// isolate (a worker's Durable Objects run in it too). Used by bench:profile for
// CPU profiles and by the login phase for the isolate's heap.
import { once } from "node:events";
import WebSocket from "ws";

/** A CDP session on one of workerd's inspector targets (one per worker/isolate). */
export async function inspect(port: number, target: string) {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  const targets = (await res.json()) as Array<{ id: string; webSocketDebuggerUrl: string }>;
  const found = targets.find((t) => t.id === target);
  if (!found) {
    throw new Error(`no inspector target ${target} (got: ${targets.map((t) => t.id).join(", ")})`);
  }
  // A 10 s profile at 100 µs is tens of MB of JSON in one message.
  const ws = new WebSocket(found.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await once(ws, "open");
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown };
    const p = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!p) return; // events
    pending.delete(msg.id as number);
    if (msg.error) p.reject(new Error(`inspector: ${JSON.stringify(msg.error)}`));
    else p.resolve(msg.result);
  });
  ws.on("close", () => {
    for (const p of pending.values()) p.reject(new Error("inspector connection closed"));
  });
  return {
    send<T = unknown>(method: string, params: object = {}): Promise<T> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) =>
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject }),
      );
    },
    close: () => ws.close(),
  };
}
