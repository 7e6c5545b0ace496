// The Upstash Redis REST API in front of an ordinary Redis server, so that
// `new Redis({ url, token })` from @upstash/redis (and @upstash/ratelimit on top
// of it) works locally. Wire shapes: upstash-wire.ts. Lua shebang handling:
// lua-scripts.ts. Connection use: redis-connections.ts.
//
// Notes on the client (1.39.0):
// - It auto-pipelines by default: most single calls arrive batched on "/pipeline".
// - It sends "upstash-sync-token" (read-your-writes) and telemetry headers; a
//   single Redis has nothing to sync, so both are ignored and no token is returned
//   (the client then keeps sending an empty one).
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listen, readBody, sendJson, urlHost } from "./http-server.ts";
import { type RewrittenCommand, ScriptRewriter } from "./lua-scripts.ts";
import { type CommandPlacement, placeCommand } from "./redis-command-policy.ts";
import { createRedisConnections, type RedisFactory } from "./redis-connections.ts";
import type { RedisBackend, RespValue } from "./resp.ts";
import { RespError } from "./resp.ts";
import {
  InvalidCommandError,
  toCommandArgs,
  toUpstashReply,
  type UpstashReply,
} from "./upstash-wire.ts";

export interface UpstashBridgeOptions {
  /** Interface to bind; defaults to loopback. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The bearer token clients must present (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** Opens a Redis connection, e.g. `() => connectRedis("redis://127.0.0.1:6379")`. */
  redis: RedisFactory;
}

export interface UpstashBridge {
  /** For UPSTASH_REDIS_REST_URL, e.g. "http://127.0.0.1:PORT". */
  url: string;
  port: number;
  close(): Promise<void>;
}

type PreparedCommand = RewrittenCommand & { placement: CommandPlacement };

export async function startUpstashBridge(options: UpstashBridgeOptions): Promise<UpstashBridge> {
  if (!options.token) throw new Error("startUpstashBridge needs a non-empty token");
  const host = options.host ?? "127.0.0.1";
  const connections = createRedisConnections(options.redis);
  const scripts = new ScriptRewriter();

  const prepare = (value: unknown): PreparedCommand => {
    const args = toCommandArgs(value);
    return { ...scripts.rewrite(args), placement: placeCommand(args) };
  };

  const runSingle = async (body: unknown, base64: boolean): Promise<UpstashReply> => {
    const command = prepare(body);
    if (command.placement.kind === "refused") return { error: command.placement.error };
    const reply =
      command.placement.kind === "exclusive"
        ? await connections.exclusive((backend) => backend.call(command.args))
        : await (await connections.shared()).call(command.args);
    return toUpstashReply(mapReply(command, reply), base64);
  };

  const runPipeline = async (body: unknown, base64: boolean): Promise<UpstashReply[]> => {
    const commands = prepareBatch(body, prepare);
    // All calls are issued in one tick, so they travel to Redis as one pipeline.
    const run = (backend: RedisBackend) =>
      Promise.all(
        commands.map(async (command): Promise<UpstashReply> => {
          if (command.placement.kind === "refused") return { error: command.placement.error };
          return toUpstashReply(mapReply(command, await backend.call(command.args)), base64);
        }),
      );
    const needsExclusive = commands.some((command) => command.placement.kind === "exclusive");
    return needsExclusive ? connections.exclusive(run) : run(await connections.shared());
  };

  const runMultiExec = async (
    body: unknown,
    base64: boolean,
  ): Promise<UpstashReply | UpstashReply[]> => {
    const commands = prepareBatch(body, prepare);
    const refused = commands.find((command) => command.placement.kind === "refused");
    if (refused?.placement.kind === "refused") return { error: refused.placement.error };
    const [multi, queued, exec] = await connections.exclusive((backend) =>
      Promise.all([
        backend.call(["MULTI"]),
        Promise.all(commands.map((command) => backend.call(command.args))),
        backend.call(["EXEC"]),
      ]),
    );
    if (multi instanceof RespError) return { error: multi.message };
    if (!Array.isArray(exec)) {
      // EXECABORT: a command was rejected while queueing; name the reason.
      const cause = queued.find((reply) => reply instanceof RespError);
      const message = exec instanceof RespError ? exec.message : "EXECABORT Transaction discarded";
      return { error: cause instanceof RespError ? `${message} ${cause.message}` : message };
    }
    return exec.map((reply, i) => toUpstashReply(mapReply(commands[i], reply), base64));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") {
        sendJson(res, 405, { error: "ERR the Upstash REST bridge only accepts POST" });
        return;
      }
      if (!isAuthorized(req.headers.authorization, options.token)) {
        sendJson(res, 401, { error: "Unauthorized" });
        return;
      }
      const path = (req.url ?? "/").split("?")[0];
      const body = parseJson(await readBody(req));
      const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      if (path === "/") {
        const reply = await runSingle(body, base64);
        sendJson(res, "error" in reply ? 400 : 200, reply);
      } else if (path === "/pipeline") {
        sendJson(res, 200, await runPipeline(body, base64));
      } else if (path === "/multi-exec") {
        const reply = await runMultiExec(body, base64);
        sendJson(res, "error" in reply ? 400 : 200, reply);
      } else {
        sendJson(res, 404, { error: `ERR unknown endpoint ${path}` });
      }
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof InvalidCommandError) {
        sendJson(res, 400, { error: error.message });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        sendJson(res, 500, { error: `ERR Upstash bridge: ${message}` });
      }
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  const port = await listen(server, host, options.port ?? 0);

  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    async close() {
      await closeServer(server);
      await connections.close();
    },
  };
}

function prepareBatch(
  body: unknown,
  prepare: (value: unknown) => PreparedCommand,
): PreparedCommand[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new InvalidCommandError("ERR expected a non-empty JSON array of commands");
  }
  return body.map(prepare);
}

function mapReply(command: RewrittenCommand | undefined, reply: RespValue): RespValue {
  return command?.mapReply ? command.mapReply(reply) : reply;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new InvalidCommandError("ERR failed to parse request body as JSON");
  }
}

/** Compares "Bearer <token>" in constant time (hashing first equalises lengths). */
function isAuthorized(header: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(header ?? ""), digest(`Bearer ${token}`));
}
