// Small helpers shared by the bridges' HTTP servers: reading bodies, writing
// JSON replies, and starting/stopping a server on a (possibly random) port.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Bodies larger than this are refused: the bridges are for dev and tests, not bulk loads. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES}`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** A body as UTF-8 text (forms, JSON), bounded like readBody. */
export async function readText(req: IncomingMessage): Promise<string> {
  return (await readBody(req)).toString("utf8");
}

/** JSON.parse that answers undefined for anything that is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** 204 No Content. */
export function noContent(res: ServerResponse): void {
  res.writeHead(204).end();
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Listens and resolves with the bound port (useful when `port` is 0). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections and drops keep-alive ones so close() does not hang. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** Formats a host for use in a URL authority (IPv6 literals need brackets). */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
