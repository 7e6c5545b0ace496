// Which connection a REST command may run on.
//
// The REST API is stateless per request, so commands that change connection
// state (transactions, pub/sub, SELECT, AUTH, ...) are refused: on a shared
// connection they would leak into other requests. Transactions are available
// through "/multi-exec" instead.

const CONNECTION_STATE_COMMANDS = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "monitor",
  "select",
  "swapdb",
  "auth",
  "hello",
  "reset",
  "quit",
  "sync",
  "psync",
  "replconf",
]);

/** CLIENT subcommands that would change how the shared connection behaves. */
const CONNECTION_STATE_CLIENT_SUBCOMMANDS = new Set([
  "reply",
  "tracking",
  "setname",
  "setinfo",
  "no-evict",
]);

const BLOCKING_COMMANDS = new Set([
  "blpop",
  "brpop",
  "brpoplpush",
  "blmove",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
  "wait",
  "waitaof",
]);

/** Streams block only with a BLOCK option. */
const SOMETIMES_BLOCKING_COMMANDS = new Set(["xread", "xreadgroup"]);

export type CommandPlacement =
  | { kind: "shared" }
  | { kind: "exclusive" }
  | { kind: "refused"; error: string };

export function placeCommand(args: readonly string[]): CommandPlacement {
  const name = (args[0] ?? "").toLowerCase();
  const sub = (args[1] ?? "").toLowerCase();
  if (
    CONNECTION_STATE_COMMANDS.has(name) ||
    (name === "client" && CONNECTION_STATE_CLIENT_SUBCOMMANDS.has(sub))
  ) {
    const label = name === "client" ? `CLIENT ${sub.toUpperCase()}` : name.toUpperCase();
    return { kind: "refused", error: `ERR ${label} is not supported by the Upstash REST bridge` };
  }
  if (BLOCKING_COMMANDS.has(name)) return { kind: "exclusive" };
  if (SOMETIMES_BLOCKING_COMMANDS.has(name) && args.some((arg) => arg.toLowerCase() === "block")) {
    return { kind: "exclusive" };
  }
  return { kind: "shared" };
}
