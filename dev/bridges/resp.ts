// A minimal Redis client over node:net, enough for the Upstash bridge.
//
// Commands are pipelined: each call writes immediately and its promise waits in
// a FIFO for the next reply (Redis answers in order on one connection). Several
// calls made in the same tick therefore reach Redis back to back on the same
// connection, which the bridge relies on for MULTI ... EXEC.
//
// When the socket closes, every command still waiting rejects (its outcome is
// unknown); the next call opens a new connection, repeating AUTH/SELECT.
import net from "node:net";
import {
  encodeCommand,
  type RespArg,
  RespError,
  RespParser,
  type RespValue,
} from "./resp-codec.ts";

export { type RespArg, RespError, type RespValue } from "./resp-codec.ts";

/** What the Upstash bridge needs from a Redis connection. */
export interface RedisBackend {
  /** Resolves with the reply; Redis error replies resolve as RespError values. */
  call(args: RespArg[]): Promise<RespValue>;
  close(): Promise<void>;
}

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
}

interface Waiter {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

const CONNECT_TIMEOUT_MS = 5_000;

/** Parses redis://[[user]:password@]host[:port][/db]. TLS (rediss://) is not supported. */
export function parseRedisUrl(url: string): RedisTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:")
    throw new Error(`unsupported Redis URL scheme: ${parsed.protocol}`);
  const dbText = parsed.pathname.replace(/^\//, "");
  const db = dbText === "" ? undefined : Number(dbText);
  if (db !== undefined && !Number.isInteger(db))
    throw new Error(`invalid Redis db in URL: ${dbText}`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
  };
}

/** Connects (and authenticates) before resolving, so a bad URL fails right away. */
export async function connectRedis(url: string): Promise<RespClient> {
  const client = new RespClient(parseRedisUrl(url));
  try {
    const pong = await client.call(["PING"]);
    if (pong instanceof RespError) throw pong;
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

export class RespClient implements RedisBackend {
  readonly #target: RedisTarget;
  /** The current connection, from the moment it starts connecting. */
  #socket: net.Socket | undefined;
  /** Connected and handshake sent: commands are then written straight to the socket. */
  #ready = false;
  /** Frames issued while connecting; their waiters are already in #waiters. */
  #outbox: Buffer[] = [];
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(target: RedisTarget) {
    this.#target = target;
  }

  call(args: RespArg[]): Promise<RespValue> {
    if (this.#closed) return Promise.reject(new Error("Redis client is closed"));
    if (args.length === 0) return Promise.reject(new Error("empty Redis command"));
    const frame = encodeCommand(args);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (this.#socket && this.#ready) {
        this.#socket.write(frame);
      } else {
        this.#outbox.push(frame);
        if (!this.#socket) this.#connect();
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    if (!socket || socket.destroyed) {
      this.#failAll(new Error("Redis client is closed"));
      return;
    }
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  #connect(): void {
    const socket = net.connect(this.#target.port, this.#target.host);
    this.#socket = socket;
    const parser = new RespParser();
    let failure: Error | undefined;
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error("Redis connect timeout")));

    socket.once("connect", () => {
      socket.setTimeout(0);
      this.#ready = true;
      // Handshake replies come first, so their waiters go to the front of the FIFO.
      const handshake = this.#handshakeCommands();
      this.#waiters.unshift(
        ...handshake.map(
          (): Waiter => ({
            resolve: (reply) => {
              if (reply instanceof RespError)
                socket.destroy(new Error(`Redis handshake failed: ${reply.message}`));
            },
            reject: () => {},
          }),
        ),
      );
      const frames = [...handshake.map(encodeCommand), ...this.#outbox];
      this.#outbox = [];
      socket.write(Buffer.concat(frames));
    });

    socket.on("data", (chunk: Buffer) => {
      let replies: RespValue[];
      try {
        replies = parser.push(chunk);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      for (const reply of replies) {
        const waiter = this.#waiters.shift();
        if (!waiter) {
          socket.destroy(new Error("Redis sent a reply nobody asked for"));
          return;
        }
        waiter.resolve(reply);
        // A failed handshake destroys the socket: later replies in this chunk
        // must not resolve commands as if the connection were authenticated.
        if (socket.destroyed) return;
      }
    });

    socket.on("error", (error) => {
      failure = error;
    });
    socket.on("close", () => {
      this.#socket = undefined;
      this.#ready = false;
      const reason = failure ?? new Error("Redis connection closed");
      this.#failAll(new Error(`Redis connection lost: ${reason.message}`, { cause: reason }));
    });
  }

  #handshakeCommands(): RespArg[][] {
    const { username, password, db } = this.#target;
    const commands: RespArg[][] = [];
    if (password !== undefined)
      commands.push(username ? ["AUTH", username, password] : ["AUTH", password]);
    if (db !== undefined && db !== 0) commands.push(["SELECT", db]);
    return commands;
  }

  #failAll(error: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#outbox = [];
    for (const waiter of waiters) waiter.reject(error);
  }
}
