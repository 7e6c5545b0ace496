// Neon's WebSocket proxy ("/v2?address=host:port") in front of an ordinary Postgres.
//
// The driver's Pool/Client run node-postgres over a fake socket whose bytes travel
// as binary WebSocket messages to `ws[s]://<wsProxy>?address=<host>:<port>`.
// The proxy side is a plain byte relay: no framing of its own, no handshake
// besides the HTTP upgrade. Message boundaries carry no meaning (the driver
// coalesces writes), so each message is written to TCP as is and each TCP chunk
// is sent as one binary message.
//
// Client settings that work against this relay (see neonClientSettings in neon.ts):
//   wsProxy = "127.0.0.1:PORT/v2"  a string: the driver appends "?address=host:port"
//   useSecureWebSocket = false       the relay speaks ws://, not wss://
//   pipelineConnect = false          the default "password" pipelining sends the
//                                    password before the server asks; a local server
//                                    with trust/md5/scram auth rejects that
//   pipelineTLS = false, forceDisablePgSSL = true   no Postgres-level TLS inside the tunnel
// Node 22 has a global WebSocket, which the driver picks up without
// `webSocketConstructor`.
import type { IncomingMessage, Server } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

export interface TcpAddress {
  host: string;
  port: number;
}

export interface NeonWsRelayOptions {
  /** URL path the driver connects to; Neon's is "/v2". */
  path?: string;
  /** Rewrites the database address the client asked for (e.g. to PGlite's socket). */
  mapAddress?: (host: string, port: number) => TcpAddress;
}

export interface NeonWsRelay {
  close(): Promise<void>;
}

/** Pause reading from Postgres while this much is queued towards the client. */
const WS_HIGH_WATER_BYTES = 1024 * 1024;
/** WebSocket close reasons are limited to 123 bytes. */
const MAX_CLOSE_REASON = 120;

export function attachNeonWsRelay(server: Server, options: NeonWsRelayOptions = {}): NeonWsRelay {
  const path = options.path ?? "/v2";
  const mapAddress = options.mapAddress ?? ((host: string, port: number) => ({ host, port }));
  const wss = new WebSocketServer({ noServer: true });
  const live = new Set<{ ws: WebSocket; tcp: net.Socket }>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://relay.invalid");
    const address =
      url.pathname === path ? parseAddress(url.searchParams.get("address")) : undefined;
    if (!address) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    const target = mapAddress(address.host, address.port);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tcp = net.connect(target.port, target.host);
      const entry = { ws, tcp };
      live.add(entry);
      relay(ws, tcp, () => live.delete(entry));
    });
  };
  server.on("upgrade", onUpgrade);

  return {
    async close() {
      server.off("upgrade", onUpgrade);
      for (const { ws, tcp } of live) {
        ws.terminate();
        tcp.destroy();
      }
      live.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function relay(ws: WebSocket, tcp: net.Socket, onDone: () => void): void {
  tcp.setNoDelay(true);
  let tcpError: Error | undefined;

  ws.on("message", (data: RawData) => {
    // Socket writes before "connect" are queued by Node, so early messages
    // (the startup packet) are not lost.
    if (!tcp.write(toBuffer(data))) {
      ws.pause();
      tcp.once("drain", () => ws.resume());
    }
  });
  tcp.on("data", (chunk: Buffer) => {
    ws.send(chunk, { binary: true }, () => {
      if (tcp.isPaused() && ws.bufferedAmount < WS_HIGH_WATER_BYTES) tcp.resume();
    });
    if (ws.bufferedAmount >= WS_HIGH_WATER_BYTES) tcp.pause();
  });

  // Client went away: let Postgres see EOF after any bytes still queued.
  ws.on("close", () => tcp.end());
  ws.on("error", () => tcp.destroy());
  tcp.on("error", (error) => {
    tcpError = error;
  });
  // Postgres went away (or could not be reached): tell the client why.
  tcp.on("close", () => {
    onDone();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      if (tcpError) ws.close(1011, truncate(tcpError.message));
      else ws.close(1000);
    }
  });
}

/** Parses "host:port" or "[ipv6]:port". */
export function parseAddress(value: string | null): TcpAddress | undefined {
  if (!value) return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  if (!host || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function truncate(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > MAX_CLOSE_REASON) out = out.slice(0, -1);
  return out;
}
