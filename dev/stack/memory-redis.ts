// DEV-ONLY in-memory Redis. NOT FOR PRODUCTION, NOT FOR TESTS OF THE WORKER.
//
// `npm run dev` falls back to this when neither REDIS_URL nor a redis-server on
// PATH is available. It lives in this process, keeps everything in memory (lost
// on exit), and implements a Redis 7 subset over the RedisBackend interface that
// the Upstash REST bridge sits on: replies have RESP2 shapes (status replies as
// strings, bulk strings as Buffers, integers as numbers, nil as null, arrays,
// errors as RespError values), so the bridge cannot tell it from a RespClient.
//
// Lua scripts (EVAL/EVALSHA/SCRIPT, as used by @upstash/ratelimit) run on
// fengari, a Lua 5.3 VM in JavaScript, with a Redis-7-like environment: KEYS,
// ARGV, redis.call/pcall/error_reply/status_reply/sha1hex/log, "#!lua" shebangs
// with Redis 7's flags, read-only globals, and Redis's Lua<->reply conversions.
// Every command, script and EXEC runs synchronously inside call(), so scripts and
// transactions are atomic.
//
// Known differences from a real Redis (fine for dev, wrong for anything else):
// - Lua is 5.3 on fengari, not 5.1: Lua integers are 32-bit (integer arithmetic
//   past +-2^31 wraps; numbers parsed from larger numerals are floats, which is
//   what rate-limit timestamps become), and tostring(3.0) is "3.0". No cjson,
//   cmsgpack, struct or bit libraries.
// - Only database 0; no persistence, eviction, pub/sub, lists, streams, WATCH,
//   keyspace notifications, ACLs or RESP3. SCAN returns everything in one pass.
// - Unknown commands answer "ERR unknown command", as Redis would.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { REDIS_SCRIPT_FLAGS } from "../bridges/lua-scripts.ts";
import { type RedisBackend, type RespArg, RespError, type RespValue } from "../bridges/resp.ts";

// ---------------------------------------------------------------------------
// fengari (untyped CommonJS): just the part of its C-like API used here.

type LuaState = { readonly __luaState: unique symbol };
type LuaJsFunction = (L: LuaState) => number;
interface LuaDebug {
  source: Uint8Array | null;
  currentline: number;
}

interface FengariModule {
  to_luastring(s: string): Uint8Array;
  lua: {
    LUA_OK: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_REGISTRYINDEX: number;
    LUA_MASKCOUNT: number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, idx: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_type(L: LuaState, idx: number): number;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tolstring(L: LuaState, idx: number): Uint8Array | null;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_pushnil(L: LuaState): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: Uint8Array | string): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushjsfunction(L: LuaState, fn: LuaJsFunction): void;
    lua_pushglobaltable(L: LuaState): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_setfield(L: LuaState, idx: number, k: string): void;
    lua_getfield(L: LuaState, idx: number, k: string): number;
    lua_setglobal(L: LuaState, name: string): void;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
    lua_sethook(L: LuaState, fn: ((L: LuaState) => void) | null, mask: number, count: number): void;
    lua_Debug: new () => LuaDebug;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean | number;
    lua_getinfo(L: LuaState, what: string, ar: LuaDebug): boolean | number;
  };
  lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buff: Uint8Array, size: number, name: Uint8Array): number;
    luaL_requiref(L: LuaState, name: Uint8Array, openf: LuaJsFunction, glb: number): void;
    luaL_error(L: LuaState, fmt: Uint8Array): never;
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
  };
  lualib: {
    luaopen_base: LuaJsFunction;
    luaopen_table: LuaJsFunction;
    luaopen_string: LuaJsFunction;
    luaopen_math: LuaJsFunction;
  };
}

const fengari = createRequire(import.meta.url)("fengari") as FengariModule;
const { lua, lauxlib, lualib, to_luastring } = fengari;

// ---------------------------------------------------------------------------
// Public API

export interface MemoryRedisOptions {
  /** Clock for key expiry, in ms since the epoch (tests pass a fake one). */
  now?: () => number;
  /** A script still running after this long (wall clock) is aborted with an error. Default 5000. */
  scriptTimeoutMs?: number;
}

/**
 * The backend is itself one connection. `connect()` opens further connections
 * to the same data, each with its own MULTI state, like separate sockets.
 * close() only drops the connection's MULTI state: the data lives as long as the
 * process, and the connection stays usable (dev.ts hands one instance to every
 * connection slot of the bridge, which may close idle ones).
 */
export interface MemoryRedis extends RedisBackend {
  connect(): RedisBackend;
}

export function startMemoryRedis(options: MemoryRedisOptions = {}): MemoryRedis {
  const server = new MemoryServer(options.now ?? Date.now, options.scriptTimeoutMs ?? 5_000);
  const root = server.connection();
  return {
    call: (args) => root.call(args),
    close: () => root.close(),
    connect: () => server.connection(),
  };
}

// ---------------------------------------------------------------------------
// Data model. Keys, fields, members and string values are "binary strings":
// one char per byte (latin1), so they are binary safe and compare bytewise.

type Value =
  | { type: "string"; data: string }
  | { type: "hash"; data: Map<string, string> }
  | { type: "set"; data: Set<string> }
  | { type: "zset"; data: Map<string, number> };

interface Entry {
  value: Value;
  /** Absolute expiry in ms, or undefined for none. */
  expiresAt: number | undefined;
}

const toBinary = (arg: RespArg): string =>
  Buffer.isBuffer(arg)
    ? arg.toString("latin1")
    : typeof arg === "number"
      ? String(arg)
      : Buffer.from(arg, "utf8").toString("latin1");

const bulk = (s: string | undefined | null): Buffer | null =>
  s === undefined || s === null ? null : Buffer.from(s, "latin1");

const OK = "OK";

const err = (message: string): RespError => new RespError(message);
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INTEGER = "ERR value is not an integer or out of range";
const NOT_FLOAT = "ERR value is not a valid float";
const SYNTAX = "ERR syntax error";

/** Thrown by command implementations; turned into an error reply. */
class CommandError extends Error {}
const fail = (message: string): never => {
  throw new CommandError(message);
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Redis's string2ll: canonical decimal, 64-bit. */
function parseInt64(s: string): bigint | undefined {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s === "-0" || s.length > 20) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

function intArg(s: string | undefined, message = NOT_INTEGER): number {
  const n = s === undefined ? undefined : parseInt64(s);
  if (n === undefined) return fail(message);
  return Number(n);
}

function floatArg(s: string | undefined, message = NOT_FLOAT): number {
  const n = s === undefined ? undefined : parseFloatStrict(s);
  if (n === undefined) return fail(message);
  return n;
}

function parseFloatStrict(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity")
    return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/** How Redis prints a double in replies (scores, INCRBYFLOAT). */
function formatDouble(n: number): string {
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  return String(n);
}

function arg(args: readonly string[], i: number): string {
  const value = args[i];
  if (value === undefined) return fail(SYNTAX);
  return value;
}

/** Redis glob-style pattern (KEYS, SCAN MATCH) as an anchored RegExp. */
function globToRegExp(pattern: string): RegExp {
  const lit = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "\\" && i + 1 < pattern.length) re += lit(pattern[++i] as string);
    else if (c === "[") {
      let j = i + 1;
      const negate = pattern[j] === "^";
      if (negate) j++;
      let cls = "";
      while (j < pattern.length && pattern[j] !== "]") {
        const a = pattern[j] as string;
        if (a === "\\" && j + 1 < pattern.length) {
          cls += lit(pattern[j + 1] as string);
          j += 2;
        } else if (pattern[j + 1] === "-" && j + 2 < pattern.length && pattern[j + 2] !== "]") {
          const b = pattern[j + 2] as string;
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          cls += `${lit(lo)}-${lit(hi)}`;
          j += 3;
        } else {
          cls += lit(a);
          j++;
        }
      }
      if (cls === "") re += negate ? "[\\s\\S]" : "(?!)";
      else re += `[${negate ? "^" : ""}${cls}]`;
      i = j;
    } else re += lit(c);
  }
  return new RegExp(`^${re}$`);
}

// ---------------------------------------------------------------------------
// Commands

interface Ctx {
  db: MemoryServer;
}

interface Command {
  /** Redis arity: >0 exact count including the name, <0 minimum count. */
  arity: number;
  write?: boolean;
  /** Not callable from Lua (EVAL, MULTI, ...). */
  noScript?: boolean;
  run(ctx: Ctx, args: string[]): RespValue;
}

const commands = new Map<string, Command>();
const def = (name: string, command: Command): void => {
  commands.set(name, command);
};

// --- connection / server

def("ping", {
  arity: -1,
  run: (_ctx, args) => {
    if (args.length > 2) return fail("ERR wrong number of arguments for 'ping' command");
    return args.length === 2 ? bulk(args[1]) : "PONG";
  },
});
def("echo", { arity: 2, run: (_ctx, args) => bulk(args[1]) });
def("select", {
  arity: 2,
  run: (_ctx, args) => (intArg(args[1]) === 0 ? OK : fail("ERR DB index is out of range")),
});
def("time", {
  arity: 1,
  run: ({ db }) => {
    const ms = db.now();
    const seconds = Math.floor(ms / 1000);
    return [bulk(String(seconds)), bulk(String(Math.floor((ms - seconds * 1000) * 1000)))];
  },
});
def("dbsize", { arity: 1, run: ({ db }) => db.liveKeys().length });
def("flushdb", {
  arity: -1,
  write: true,
  run: ({ db }, args) => flushArgs(args, () => db.flush()),
});
def("flushall", { ...(commands.get("flushdb") as Command) });
function flushArgs(args: string[], flush: () => void): RespValue {
  if (args.length > 2) return fail(SYNTAX);
  const mode = args[1]?.toLowerCase();
  if (mode !== undefined && mode !== "sync" && mode !== "async") return fail(SYNTAX);
  flush();
  return OK;
}

// --- keys

def("del", {
  arity: -2,
  write: true,
  run: ({ db }, args) => args.slice(1).filter((key) => db.delete(key)).length,
});
def("unlink", { ...(commands.get("del") as Command) });
def("exists", {
  arity: -2,
  run: ({ db }, args) => args.slice(1).filter((key) => db.lookup(key) !== undefined).length,
});
def("type", { arity: 2, run: ({ db }, args) => db.lookup(arg(args, 1))?.value.type ?? "none" });
def("keys", {
  arity: 2,
  run: ({ db }, args) => {
    const re = globToRegExp(arg(args, 1));
    return db
      .liveKeys()
      .filter((key) => re.test(key))
      .map(bulk);
  },
});
def("scan", {
  arity: -2,
  run: ({ db }, args) => {
    intArg(args[1], "ERR invalid cursor");
    let re: RegExp | undefined;
    let type: string | undefined;
    for (let i = 2; i < args.length; i += 2) {
      const option = arg(args, i).toLowerCase();
      const value = arg(args, i + 1);
      if (option === "match") re = globToRegExp(value);
      else if (option === "count") {
        if (intArg(value) < 1) return fail(SYNTAX);
      } else if (option === "type") type = value.toLowerCase();
      else return fail(SYNTAX);
    }
    // One pass over everything: cursor 0 back at once (COUNT is only a hint).
    const keys = db
      .liveKeys()
      .filter((key) => (re ? re.test(key) : true))
      .filter((key) => type === undefined || db.lookup(key)?.value.type === type);
    return [bulk("0"), keys.map(bulk)];
  },
});
def("rename", {
  arity: 3,
  write: true,
  run: ({ db }, args) => {
    const entry = db.lookup(arg(args, 1)) ?? fail("ERR no such key");
    db.delete(arg(args, 1));
    db.put(arg(args, 2), entry.value, entry.expiresAt);
    return OK;
  },
});

function expireCommand(unit: "s" | "ms", absolute: boolean): Command {
  return {
    arity: -3,
    write: true,
    run: ({ db }, args) => {
      const name = args[0] ?? "";
      const amount = intArg(args[2]);
      const options = args.slice(3);
      for (const option of options) {
        if (!["nx", "xx", "gt", "lt"].includes(option.toLowerCase())) {
          return fail(`ERR Unsupported option ${option}`);
        }
      }
      const flags = new Set(options.map((a) => a.toLowerCase()));
      if (flags.has("nx") && (flags.has("xx") || flags.has("gt") || flags.has("lt"))) {
        return fail("ERR NX and XX, GT or LT options at the same time are not compatible");
      }
      if (flags.has("gt") && flags.has("lt")) {
        return fail("ERR GT and LT options at the same time are not compatible");
      }
      const ms = unit === "s" ? amount * 1000 : amount;
      const at = absolute ? ms : db.now() + ms;
      if (!Number.isSafeInteger(at)) return fail(`ERR invalid expire time in '${name}' command`);
      const key = arg(args, 1);
      const entry = db.lookup(key);
      if (!entry) return 0;
      const current = entry.expiresAt ?? Infinity;
      if (flags.has("nx") && entry.expiresAt !== undefined) return 0;
      if (flags.has("xx") && entry.expiresAt === undefined) return 0;
      if (flags.has("gt") && !(at > current)) return 0;
      if (flags.has("lt") && !(at < current)) return 0;
      if (at <= db.now()) db.delete(key);
      else entry.expiresAt = at;
      return 1;
    },
  };
}
def("expire", expireCommand("s", false));
def("pexpire", expireCommand("ms", false));
def("expireat", expireCommand("s", true));
def("pexpireat", expireCommand("ms", true));

function ttlCommand(unit: "s" | "ms", absolute: boolean): Command {
  return {
    arity: 2,
    run: ({ db }, args) => {
      const entry = db.lookup(arg(args, 1));
      if (!entry) return -2;
      if (entry.expiresAt === undefined) return -1;
      const ms = absolute ? entry.expiresAt : Math.max(0, entry.expiresAt - db.now());
      return unit === "ms" ? ms : absolute ? Math.floor(ms / 1000) : Math.floor((ms + 500) / 1000);
    },
  };
}
def("ttl", ttlCommand("s", false));
def("pttl", ttlCommand("ms", false));
def("expiretime", ttlCommand("s", true));
def("pexpiretime", ttlCommand("ms", true));
def("persist", {
  arity: 2,
  write: true,
  run: ({ db }, args) => {
    const entry = db.lookup(arg(args, 1));
    if (!entry || entry.expiresAt === undefined) return 0;
    entry.expiresAt = undefined;
    return 1;
  },
});

// --- strings

def("get", { arity: 2, run: ({ db }, args) => bulk(db.getString(arg(args, 1))) });
def("set", {
  arity: -3,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const value = arg(args, 2);
    let condition: "nx" | "xx" | undefined;
    let expiresAt: number | undefined;
    let expirySet = false;
    let keepTtl = false;
    let get = false;
    for (let i = 3; i < args.length; i++) {
      const option = arg(args, i).toLowerCase();
      if ((option === "nx" || option === "xx") && condition === undefined) condition = option;
      else if (option === "get" && !get) get = true;
      else if (option === "keepttl" && !keepTtl && !expirySet) keepTtl = true;
      else if (["ex", "px", "exat", "pxat"].includes(option) && !expirySet && !keepTtl) {
        const amount = intArg(args[++i] ?? fail(SYNTAX));
        if (amount <= 0) return fail("ERR invalid expire time in 'set' command");
        const ms = option === "ex" || option === "exat" ? amount * 1000 : amount;
        expiresAt = option === "ex" || option === "px" ? db.now() + ms : ms;
        if (!Number.isSafeInteger(expiresAt))
          return fail("ERR invalid expire time in 'set' command");
        expirySet = true;
      } else return fail(SYNTAX);
    }
    const old = get ? db.getString(key) : undefined;
    const existing = db.lookup(key);
    if ((condition === "nx" && existing) || (condition === "xx" && !existing)) {
      return get ? bulk(old) : null;
    }
    db.put(key, { type: "string", data: value }, keepTtl ? existing?.expiresAt : expiresAt);
    return get ? bulk(old) : OK;
  },
});
def("setnx", {
  arity: 3,
  write: true,
  run: ({ db }, args) => {
    if (db.lookup(arg(args, 1))) return 0;
    db.put(arg(args, 1), { type: "string", data: arg(args, 2) }, undefined);
    return 1;
  },
});
function setexCommand(unit: "s" | "ms"): Command {
  return {
    arity: 4,
    write: true,
    run: ({ db }, args) => {
      const amount = intArg(args[2]);
      if (amount <= 0) return fail(`ERR invalid expire time in '${args[0]}' command`);
      const at = db.now() + (unit === "s" ? amount * 1000 : amount);
      db.put(arg(args, 1), { type: "string", data: arg(args, 3) }, at);
      return OK;
    },
  };
}
def("setex", setexCommand("s"));
def("psetex", setexCommand("ms"));
def("getset", {
  arity: 3,
  write: true,
  run: ({ db }, args) => {
    const old = db.getString(arg(args, 1));
    db.put(arg(args, 1), { type: "string", data: arg(args, 2) }, undefined);
    return bulk(old);
  },
});
def("getdel", {
  arity: 2,
  write: true,
  run: ({ db }, args) => {
    const old = db.getString(arg(args, 1));
    if (old !== undefined) db.delete(arg(args, 1));
    return bulk(old);
  },
});
def("mget", {
  arity: -2,
  run: ({ db }, args) =>
    args.slice(1).map((key) => {
      const entry = db.lookup(key);
      return entry?.value.type === "string" ? bulk(entry.value.data) : null;
    }),
});
def("mset", {
  arity: -3,
  write: true,
  run: ({ db }, args) => {
    if (args.length % 2 === 0) return fail("ERR wrong number of arguments for 'mset' command");
    for (let i = 1; i < args.length; i += 2) {
      db.put(arg(args, i), { type: "string", data: arg(args, i + 1) }, undefined);
    }
    return OK;
  },
});
def("append", {
  arity: 3,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const data = (db.getString(key) ?? "") + arg(args, 2);
    db.putKeepTtl(key, { type: "string", data });
    return data.length;
  },
});
def("strlen", { arity: 2, run: ({ db }, args) => (db.getString(arg(args, 1)) ?? "").length });

function incrBy(db: MemoryServer, key: string, by: bigint): number {
  const current = db.getString(key);
  const base = current === undefined ? 0n : parseInt64(current);
  if (base === undefined) return fail(NOT_INTEGER);
  const next = base + by;
  if (next < INT64_MIN || next > INT64_MAX)
    return fail("ERR increment or decrement would overflow");
  db.putKeepTtl(key, { type: "string", data: next.toString() });
  return Number(next);
}
function bigArg(s: string | undefined): bigint {
  const n = s === undefined ? undefined : parseInt64(s);
  if (n === undefined) return fail(NOT_INTEGER);
  return n;
}
def("incr", { arity: 2, write: true, run: ({ db }, args) => incrBy(db, arg(args, 1), 1n) });
def("decr", { arity: 2, write: true, run: ({ db }, args) => incrBy(db, arg(args, 1), -1n) });
def("incrby", {
  arity: 3,
  write: true,
  run: ({ db }, args) => incrBy(db, arg(args, 1), bigArg(args[2])),
});
def("decrby", {
  arity: 3,
  write: true,
  run: ({ db }, args) => {
    const by = bigArg(args[2]);
    if (by === INT64_MIN) return fail("ERR decrement would overflow");
    return incrBy(db, arg(args, 1), -by);
  },
});
def("incrbyfloat", {
  arity: 3,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const by = floatArg(args[2]);
    const current = db.getString(key);
    const base = current === undefined ? 0 : (parseFloatStrict(current) ?? fail(NOT_FLOAT));
    const next = base + by;
    if (!Number.isFinite(next)) return fail("ERR increment would produce NaN or Infinity");
    const data = formatDouble(next);
    db.putKeepTtl(key, { type: "string", data });
    return bulk(data);
  },
});

// --- hashes

def("hset", {
  arity: -4,
  write: true,
  run: ({ db }, args) => {
    if (args.length % 2 !== 0)
      return fail(`ERR wrong number of arguments for '${args[0]}' command`);
    const hash = db.getHash(arg(args, 1), true);
    let added = 0;
    for (let i = 2; i < args.length; i += 2) {
      if (!hash.has(arg(args, i))) added++;
      hash.set(arg(args, i), arg(args, i + 1));
    }
    return args[0] === "hmset" ? OK : added;
  },
});
def("hmset", { ...(commands.get("hset") as Command) });
def("hsetnx", {
  arity: 4,
  write: true,
  run: ({ db }, args) => {
    const hash = db.getHash(arg(args, 1), true);
    if (hash.has(arg(args, 2))) return 0;
    hash.set(arg(args, 2), arg(args, 3));
    return 1;
  },
});
def("hget", { arity: 3, run: ({ db }, args) => bulk(db.getHash(arg(args, 1))?.get(arg(args, 2))) });
def("hmget", {
  arity: -3,
  run: ({ db }, args) => {
    const hash = db.getHash(arg(args, 1));
    return args.slice(2).map((field) => bulk(hash?.get(field)));
  },
});
def("hgetall", {
  arity: 2,
  run: ({ db }, args) => [...(db.getHash(arg(args, 1)) ?? [])].flat().map(bulk),
});
def("hkeys", {
  arity: 2,
  run: ({ db }, args) => [...(db.getHash(arg(args, 1))?.keys() ?? [])].map(bulk),
});
def("hvals", {
  arity: 2,
  run: ({ db }, args) => [...(db.getHash(arg(args, 1))?.values() ?? [])].map(bulk),
});
def("hlen", { arity: 2, run: ({ db }, args) => db.getHash(arg(args, 1))?.size ?? 0 });
def("hexists", {
  arity: 3,
  run: ({ db }, args) => (db.getHash(arg(args, 1))?.has(arg(args, 2)) ? 1 : 0),
});
def("hdel", {
  arity: -3,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const hash = db.getHash(key);
    if (!hash) return 0;
    const removed = args.slice(2).filter((field) => hash.delete(field)).length;
    db.dropIfEmpty(key);
    return removed;
  },
});
def("hincrby", {
  arity: 4,
  write: true,
  run: ({ db }, args) => {
    const by = bigArg(args[3]);
    const hash = db.getHash(arg(args, 1), true);
    const current = hash.get(arg(args, 2));
    const base = current === undefined ? 0n : parseInt64(current);
    if (base === undefined) return fail("ERR hash value is not an integer");
    const next = base + by;
    if (next < INT64_MIN || next > INT64_MAX)
      return fail("ERR increment or decrement would overflow");
    hash.set(arg(args, 2), next.toString());
    return Number(next);
  },
});
def("hincrbyfloat", {
  arity: 4,
  write: true,
  run: ({ db }, args) => {
    const by = floatArg(args[3]);
    const hash = db.getHash(arg(args, 1), true);
    const current = hash.get(arg(args, 2));
    const base =
      current === undefined
        ? 0
        : (parseFloatStrict(current) ?? fail("ERR hash value is not a float"));
    const next = base + by;
    if (!Number.isFinite(next)) return fail("ERR increment would produce NaN or Infinity");
    hash.set(arg(args, 2), formatDouble(next));
    return bulk(formatDouble(next));
  },
});

// --- sets

def("sadd", {
  arity: -3,
  write: true,
  run: ({ db }, args) => {
    const set = db.getSet(arg(args, 1), true);
    let added = 0;
    for (const member of args.slice(2)) {
      if (!set.has(member)) {
        set.add(member);
        added++;
      }
    }
    return added;
  },
});
def("srem", {
  arity: -3,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const set = db.getSet(key);
    if (!set) return 0;
    const removed = args.slice(2).filter((member) => set.delete(member)).length;
    db.dropIfEmpty(key);
    return removed;
  },
});
def("sismember", {
  arity: 3,
  run: ({ db }, args) => (db.getSet(arg(args, 1))?.has(arg(args, 2)) ? 1 : 0),
});
def("smismember", {
  arity: -3,
  run: ({ db }, args) => {
    const set = db.getSet(arg(args, 1));
    return args.slice(2).map((member) => (set?.has(member) ? 1 : 0));
  },
});
def("smembers", {
  arity: 2,
  run: ({ db }, args) => [...(db.getSet(arg(args, 1)) ?? [])].map(bulk),
});
def("scard", { arity: 2, run: ({ db }, args) => db.getSet(arg(args, 1))?.size ?? 0 });

function setAlgebra(op: "inter" | "union" | "diff", db: MemoryServer, keys: string[]): Set<string> {
  const sets = keys.map((key) => db.getSet(key) ?? new Set<string>());
  const [first, ...rest] = sets;
  const result = new Set(first);
  for (const set of rest) {
    for (const member of op === "union" ? set : [...result]) {
      if (op === "union") result.add(member);
      else if (op === "inter" && !set.has(member)) result.delete(member);
      else if (op === "diff" && set.has(member)) result.delete(member);
    }
  }
  return result;
}
for (const op of ["inter", "union", "diff"] as const) {
  def(`s${op}`, {
    arity: -2,
    run: ({ db }, args) => [...setAlgebra(op, db, args.slice(1))].map(bulk),
  });
  def(`s${op}store`, {
    arity: -3,
    write: true,
    run: ({ db }, args) => {
      const result = setAlgebra(op, db, args.slice(2));
      const destination = arg(args, 1);
      db.delete(destination);
      if (result.size > 0) db.put(destination, { type: "set", data: result }, undefined);
      return result.size;
    },
  });
}

// --- sorted sets

interface ScoreBound {
  value: number;
  exclusive: boolean;
}

function scoreBound(s: string | undefined): ScoreBound {
  const text = s ?? "";
  const exclusive = text.startsWith("(");
  const value = parseFloatStrict(exclusive ? text.slice(1) : text);
  if (value === undefined) return fail("ERR min or max is not a float");
  return { value, exclusive };
}

const aboveMin = (score: number, min: ScoreBound): boolean =>
  min.exclusive ? score > min.value : score >= min.value;
const belowMax = (score: number, max: ScoreBound): boolean =>
  max.exclusive ? score < max.value : score <= max.value;

function sortedEntries(zset: Map<string, number> | undefined): Array<[string, number]> {
  return [...(zset ?? [])].sort(([am, as], [bm, bs]) =>
    as < bs ? -1 : as > bs ? 1 : am < bm ? -1 : am > bm ? 1 : 0,
  );
}

function rangeReply(entries: Array<[string, number]>, withScores: boolean): RespValue {
  return entries.flatMap(([member, score]) =>
    withScores ? [bulk(member), bulk(formatDouble(score))] : [bulk(member)],
  );
}

/** Clamps a Redis index range (negatives count from the end) to [start, end). */
function indexRange(
  startArg: string | undefined,
  stopArg: string | undefined,
  length: number,
): [number, number] {
  let start = intArg(startArg);
  let stop = intArg(stopArg);
  if (start < 0) start = Math.max(0, length + start);
  if (stop < 0) stop = length + stop;
  if (stop >= length) stop = length - 1;
  return start > stop ? [0, 0] : [start, stop + 1];
}

def("zadd", {
  arity: -4,
  write: true,
  run: ({ db }, args) => {
    const flags = new Set<string>();
    let i = 2;
    for (; i < args.length; i++) {
      const flag = arg(args, i).toLowerCase();
      if (!["nx", "xx", "gt", "lt", "ch", "incr"].includes(flag)) break;
      flags.add(flag);
    }
    const pairs = args.slice(i);
    if (pairs.length === 0 || pairs.length % 2 !== 0) return fail(SYNTAX);
    if (flags.has("nx") && flags.has("xx")) {
      return fail("ERR XX and NX options at the same time are not compatible");
    }
    if (
      (flags.has("gt") && flags.has("lt")) ||
      (flags.has("nx") && (flags.has("gt") || flags.has("lt")))
    ) {
      return fail("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (flags.has("incr") && pairs.length > 2) {
      return fail("ERR INCR option supports a single increment-element pair");
    }
    const updates: Array<[number, string]> = [];
    for (let j = 0; j < pairs.length; j += 2) updates.push([floatArg(pairs[j]), arg(pairs, j + 1)]);
    const key = arg(args, 1);
    const zset = db.getZset(key, true);
    let added = 0;
    let changed = 0;
    let incrResult: number | null = null;
    for (const [score, member] of updates) {
      const current = zset.get(member);
      if ((flags.has("nx") && current !== undefined) || (flags.has("xx") && current === undefined))
        continue;
      const next = flags.has("incr") ? (current ?? 0) + score : score;
      if (Number.isNaN(next)) return fail("ERR resulting score is not a number (NaN)");
      if (current !== undefined && flags.has("gt") && !(next > current)) continue;
      if (current !== undefined && flags.has("lt") && !(next < current)) continue;
      if (current === undefined) added++;
      else if (current !== next) changed++;
      zset.set(member, next);
      incrResult = next;
    }
    db.dropIfEmpty(key);
    if (flags.has("incr")) return incrResult === null ? null : bulk(formatDouble(incrResult));
    return flags.has("ch") ? added + changed : added;
  },
});
def("zincrby", {
  arity: 4,
  write: true,
  run: ({ db }, args) => {
    const by = floatArg(args[2]);
    const next = (db.getZset(arg(args, 1))?.get(arg(args, 3)) ?? 0) + by;
    if (Number.isNaN(next)) return fail("ERR resulting score is not a number (NaN)");
    db.getZset(arg(args, 1), true).set(arg(args, 3), next);
    return bulk(formatDouble(next));
  },
});
def("zrem", {
  arity: -3,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const zset = db.getZset(key);
    if (!zset) return 0;
    const removed = args.slice(2).filter((member) => zset.delete(member)).length;
    db.dropIfEmpty(key);
    return removed;
  },
});
def("zcard", { arity: 2, run: ({ db }, args) => db.getZset(arg(args, 1))?.size ?? 0 });
def("zscore", {
  arity: 3,
  run: ({ db }, args) => {
    const score = db.getZset(arg(args, 1))?.get(arg(args, 2));
    return score === undefined ? null : bulk(formatDouble(score));
  },
});
def("zcount", {
  arity: 4,
  run: ({ db }, args) => {
    const min = scoreBound(args[2]);
    const max = scoreBound(args[3]);
    return [...(db.getZset(arg(args, 1))?.values() ?? [])].filter(
      (s) => aboveMin(s, min) && belowMax(s, max),
    ).length;
  },
});

interface RangeOptions {
  byScore: boolean;
  byLex: boolean;
  rev: boolean;
  withScores: boolean;
  limit?: [number, number];
}

/** ZRANGE and its older variants, reduced to one implementation. */
function zrange(
  db: MemoryServer,
  key: string,
  from: string | undefined,
  to: string | undefined,
  opts: RangeOptions,
): RespValue {
  let entries = sortedEntries(db.getZset(key));
  if (opts.rev) entries.reverse();
  if (opts.byScore) {
    // Reversed ranges take max first.
    const min = scoreBound(opts.rev ? to : from);
    const max = scoreBound(opts.rev ? from : to);
    entries = entries.filter(([, s]) => aboveMin(s, min) && belowMax(s, max));
    if (opts.limit) {
      const [offset, count] = opts.limit;
      if (offset < 0) return [];
      entries = entries.slice(offset, count < 0 ? undefined : offset + count);
    }
  } else {
    const [start, end] = indexRange(from, to, entries.length);
    entries = entries.slice(start, end);
  }
  return rangeReply(entries, opts.withScores);
}

function parseRangeOptions(args: string[], from: number): RangeOptions {
  const out: RangeOptions = {
    withScores: false,
    byScore: false,
    byLex: false,
    rev: false,
  };
  for (let i = from; i < args.length; i++) {
    const option = arg(args, i).toLowerCase();
    if (option === "withscores") out.withScores = true;
    else if (option === "byscore") out.byScore = true;
    else if (option === "bylex") out.byLex = true;
    else if (option === "rev") out.rev = true;
    else if (option === "limit") {
      out.limit = [intArg(args[i + 1] ?? fail(SYNTAX)), intArg(args[i + 2] ?? fail(SYNTAX))];
      i += 2;
    } else return fail(SYNTAX);
  }
  return out;
}

def("zrange", {
  arity: -4,
  run: ({ db }, args) => {
    const o = parseRangeOptions(args, 4);
    if (o.byLex) return fail("ERR BYLEX is not supported by the dev in-memory Redis");
    if (o.limit && !o.byScore) {
      return fail(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
      );
    }
    if (o.withScores && o.byLex)
      return fail("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return zrange(db, arg(args, 1), args[2], args[3], o);
  },
});
def("zrevrange", {
  arity: -4,
  run: ({ db }, args) => {
    const o = parseRangeOptions(args, 4);
    if (o.byScore || o.byLex || o.rev || o.limit) return fail(SYNTAX);
    return zrange(db, arg(args, 1), args[2], args[3], { ...o, rev: true });
  },
});
def("zrangebyscore", {
  arity: -4,
  run: ({ db }, args) => {
    const o = parseRangeOptions(args, 4);
    if (o.byScore || o.byLex || o.rev) return fail(SYNTAX);
    return zrange(db, arg(args, 1), args[2], args[3], { ...o, byScore: true });
  },
});
def("zrevrangebyscore", {
  arity: -4,
  run: ({ db }, args) => {
    const o = parseRangeOptions(args, 4);
    if (o.byScore || o.byLex || o.rev) return fail(SYNTAX);
    return zrange(db, arg(args, 1), args[2], args[3], { ...o, byScore: true, rev: true });
  },
});
def("zremrangebyscore", {
  arity: 4,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const min = scoreBound(args[2]);
    const max = scoreBound(args[3]);
    const zset = db.getZset(key);
    if (!zset) return 0;
    let removed = 0;
    for (const [member, score] of zset) {
      if (aboveMin(score, min) && belowMax(score, max)) {
        zset.delete(member);
        removed++;
      }
    }
    db.dropIfEmpty(key);
    return removed;
  },
});
def("zremrangebyrank", {
  arity: 4,
  write: true,
  run: ({ db }, args) => {
    const key = arg(args, 1);
    const zset = db.getZset(key);
    const entries = sortedEntries(zset);
    const [start, end] = indexRange(args[2], args[3], entries.length);
    for (const [member] of entries.slice(start, end)) zset?.delete(member);
    db.dropIfEmpty(key);
    return end - start;
  },
});
def("zrank", {
  arity: 3,
  run: ({ db }, args) => {
    const index = sortedEntries(db.getZset(arg(args, 1))).findIndex(([m]) => m === args[2]);
    return index === -1 ? null : index;
  },
});

// --- scripting (the Lua engine itself is further down)

function evalCommand(by: "script" | "sha", readOnly: boolean): Command {
  return {
    arity: -3,
    noScript: true,
    run: ({ db }, args) => {
      const numKeys = intArg(args[2]);
      if (numKeys < 0) return fail("ERR Number of keys can't be negative");
      if (numKeys > args.length - 3)
        return fail("ERR Number of keys can't be greater than number of args");
      const keys = args.slice(3, 3 + numKeys);
      const argv = args.slice(3 + numKeys);
      const sha = by === "script" ? db.lua.load(arg(args, 1)) : arg(args, 1).toLowerCase();
      return db.lua.run(sha, keys, argv, readOnly);
    },
  };
}
def("eval", evalCommand("script", false));
def("evalsha", evalCommand("sha", false));
def("eval_ro", evalCommand("script", true));
def("evalsha_ro", evalCommand("sha", true));
def("script", {
  arity: -2,
  noScript: true,
  run: ({ db }, args) => {
    const sub = arg(args, 1).toLowerCase();
    if (sub === "load" && args.length === 3) return bulk(db.lua.load(arg(args, 2)));
    if (sub === "exists" && args.length >= 3) {
      return args.slice(2).map((sha) => (db.lua.has(sha.toLowerCase()) ? 1 : 0));
    }
    if (sub === "flush" && args.length <= 3) {
      const mode = args[2]?.toLowerCase();
      if (mode !== undefined && mode !== "sync" && mode !== "async") return fail(SYNTAX);
      db.lua.flush();
      return OK;
    }
    if (["load", "exists", "flush"].includes(sub)) {
      return fail(`ERR wrong number of arguments for 'script|${sub}' command`);
    }
    return fail(`ERR unknown subcommand '${args[1]}'. Try SCRIPT HELP.`);
  },
});

// MULTI/EXEC/DISCARD are handled per connection (see MemoryConnection); they
// are registered so scripts get "not allowed" rather than "unknown".
for (const name of ["multi", "exec", "discard"]) {
  def(name, {
    arity: 1,
    noScript: true,
    run: () => fail(`ERR ${name.toUpperCase()} is connection state`),
  });
}

// ---------------------------------------------------------------------------
// Server (the shared keyspace) and connections

class MemoryServer {
  readonly lua: LuaEngine;
  readonly #clock: () => number;
  readonly #keys = new Map<string, Entry>();
  /** Time frozen while a script or EXEC runs, as Redis does. */
  #frozenNow: number | undefined;
  #lastSweep = 0;

  constructor(clock: () => number, scriptTimeoutMs: number) {
    this.#clock = clock;
    this.lua = new LuaEngine(this, scriptTimeoutMs);
  }

  connection(): RedisBackend {
    return new MemoryConnection(this);
  }

  now(): number {
    return this.#frozenNow ?? this.#clock();
  }

  /** Runs `fn` with the clock frozen at its start (nesting keeps the outer time). */
  atomically<T>(fn: () => T): T {
    if (this.#frozenNow !== undefined) return fn();
    this.#frozenNow = this.#clock();
    try {
      return fn();
    } finally {
      this.#frozenNow = undefined;
    }
  }

  /** Active expiry: drops expired keys at most once a second, so unused ones do not pile up. */
  sweep(): void {
    const now = this.now();
    if (now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [key, entry] of this.#keys) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#keys.delete(key);
    }
  }

  /** Runs one command; errors come back as RespError values. */
  execute(args: string[], script?: { readOnly: boolean }): RespValue {
    const name = (args[0] ?? "").toLowerCase();
    const command = commands.get(name);
    if (!command) {
      if (script) return err("ERR Unknown Redis command called from script");
      return err(unknownCommandMessage(args));
    }
    if (script && command.noScript) return err("ERR This Redis command is not allowed from script");
    if (!arityOk(command, args.length))
      return err(`ERR wrong number of arguments for '${name}' command`);
    if (script?.readOnly && command.write) {
      return err("ERR Write commands are not allowed from read-only scripts.");
    }
    try {
      return command.run({ db: this }, [name, ...args.slice(1)]);
    } catch (error) {
      if (error instanceof CommandError) return err(error.message);
      throw error;
    }
  }

  lookup(key: string): Entry | undefined {
    const entry = this.#keys.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.#keys.delete(key);
      return undefined;
    }
    return entry;
  }

  liveKeys(): string[] {
    return [...this.#keys.keys()].filter((key) => this.lookup(key) !== undefined);
  }

  put(key: string, value: Value, expiresAt: number | undefined): void {
    this.#keys.set(key, { value, expiresAt });
  }

  /** Replaces the value but keeps the key's TTL (INCR, APPEND, ...). */
  putKeepTtl(key: string, value: Value): void {
    this.put(key, value, this.lookup(key)?.expiresAt);
  }

  delete(key: string): boolean {
    const existed = this.lookup(key) !== undefined;
    this.#keys.delete(key);
    return existed;
  }

  flush(): void {
    this.#keys.clear();
  }

  /** Redis never keeps empty hashes, sets or sorted sets. */
  dropIfEmpty(key: string): void {
    const value = this.#keys.get(key)?.value;
    if (value && value.type !== "string" && value.data.size === 0) this.#keys.delete(key);
  }

  getString(key: string): string | undefined {
    const entry = this.lookup(key);
    if (!entry) return undefined;
    if (entry.value.type !== "string") return fail(WRONGTYPE);
    return entry.value.data;
  }

  getHash(key: string): Map<string, string> | undefined;
  getHash(key: string, create: true): Map<string, string>;
  getHash(key: string, create = false): Map<string, string> | undefined {
    const entry = this.lookup(key);
    if (!entry) {
      if (!create) return undefined;
      const data = new Map<string, string>();
      this.put(key, { type: "hash", data }, undefined);
      return data;
    }
    if (entry.value.type !== "hash") return fail(WRONGTYPE);
    return entry.value.data;
  }

  getSet(key: string): Set<string> | undefined;
  getSet(key: string, create: true): Set<string>;
  getSet(key: string, create = false): Set<string> | undefined {
    const entry = this.lookup(key);
    if (!entry) {
      if (!create) return undefined;
      const data = new Set<string>();
      this.put(key, { type: "set", data }, undefined);
      return data;
    }
    if (entry.value.type !== "set") return fail(WRONGTYPE);
    return entry.value.data;
  }

  getZset(key: string): Map<string, number> | undefined;
  getZset(key: string, create: true): Map<string, number>;
  getZset(key: string, create = false): Map<string, number> | undefined {
    const entry = this.lookup(key);
    if (!entry) {
      if (!create) return undefined;
      const data = new Map<string, number>();
      this.put(key, { type: "zset", data }, undefined);
      return data;
    }
    if (entry.value.type !== "zset") return fail(WRONGTYPE);
    return entry.value.data;
  }
}

function arityOk(command: Command, count: number): boolean {
  return command.arity >= 0 ? count === command.arity : count >= -command.arity;
}

function unknownCommandMessage(args: string[]): string {
  const rest = args
    .slice(1, 21)
    .map((a) => `'${a.slice(0, 128)}' `)
    .join("");
  return `ERR unknown command '${(args[0] ?? "").slice(0, 128)}', with args beginning with: ${rest}`;
}

class MemoryConnection implements RedisBackend {
  readonly #server: MemoryServer;
  /** Queued commands while inside MULTI. */
  #queue: string[][] | undefined;
  /** A command failed to queue: EXEC will abort. */
  #dirty = false;

  constructor(server: MemoryServer) {
    this.#server = server;
  }

  call(args: RespArg[]): Promise<RespValue> {
    if (args.length === 0) return Promise.reject(new Error("empty Redis command"));
    try {
      return Promise.resolve(this.#execute(args.map(toBinary)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async close(): Promise<void> {
    this.#queue = undefined;
    this.#dirty = false;
  }

  #execute(args: string[]): RespValue {
    const server = this.#server;
    server.sweep();
    const name = (args[0] ?? "").toLowerCase();
    if (name === "multi") {
      if (args.length !== 1) return err("ERR wrong number of arguments for 'multi' command");
      if (this.#queue) return err("ERR MULTI calls can not be nested");
      this.#queue = [];
      this.#dirty = false;
      return OK;
    }
    if (name === "discard") {
      if (!this.#queue) return err("ERR DISCARD without MULTI");
      this.#queue = undefined;
      return OK;
    }
    if (name === "exec") {
      const queue = this.#queue;
      if (!queue) return err("ERR EXEC without MULTI");
      this.#queue = undefined;
      if (this.#dirty) return err("EXECABORT Transaction discarded because of previous errors.");
      return server.atomically(() => queue.map((queued) => server.execute(queued)));
    }
    if (this.#queue) {
      const command = commands.get(name);
      if (!command || !arityOk(command, args.length)) {
        this.#dirty = true;
        return command
          ? err(`ERR wrong number of arguments for '${name}' command`)
          : err(unknownCommandMessage(args));
      }
      this.#queue.push(args);
      return "QUEUED";
    }
    return server.execute(args);
  }
}

// ---------------------------------------------------------------------------
// Lua

interface Script {
  ref: number;
  noWrites: boolean;
}

/** Lua strings are byte arrays; ours are binary strings. */
const luaToBinary = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
const binaryToLua = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

/** Runs once per Lua state: a Redis 7 like sandbox with read-only globals. */
const PRELUDE = `
local error, tostring = error, tostring
debug = nil
dofile = nil
loadfile = nil
unpack = table.unpack
setmetatable(_G, {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
  __newindex = function(_, name)
    error("Attempt to modify a readonly table", 2)
  end,
})
`;

const USER_SCRIPT = "@user_script";

class LuaEngine {
  readonly #db: MemoryServer;
  readonly #timeoutMs: number;
  readonly #L: LuaState;
  readonly #scripts = new Map<string, Script>();
  #readOnly = false;

  constructor(db: MemoryServer, timeoutMs: number) {
    this.#db = db;
    this.#timeoutMs = timeoutMs;
    const L = lauxlib.luaL_newstate();
    this.#L = L;
    const libs: Array<[string, LuaJsFunction]> = [
      ["_G", lualib.luaopen_base],
      ["table", lualib.luaopen_table],
      ["string", lualib.luaopen_string],
      ["math", lualib.luaopen_math],
    ];
    for (const [name, open] of libs) {
      lauxlib.luaL_requiref(L, to_luastring(name), open, 1);
      lua.lua_pop(L, 1);
    }
    this.#installRedisTable();
    const prelude = to_luastring(PRELUDE);
    if (
      lauxlib.luaL_loadbuffer(L, prelude, prelude.length, to_luastring("=prelude")) !== lua.LUA_OK
    ) {
      throw new Error(`memory-redis Lua prelude: ${this.#popString()}`);
    }
    if (lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
      throw new Error(`memory-redis Lua prelude: ${this.#popString()}`);
    }
  }

  has(sha: string): boolean {
    return this.#scripts.has(sha);
  }

  flush(): void {
    for (const script of this.#scripts.values())
      lauxlib.luaL_unref(this.#L, lua.LUA_REGISTRYINDEX, script.ref);
    this.#scripts.clear();
  }

  /** Compiles and caches a script (SCRIPT LOAD, EVAL); returns its SHA1. */
  load(body: string): string {
    const sha = createHash("sha1").update(Buffer.from(body, "latin1")).digest("hex");
    if (this.#scripts.has(sha)) return sha;
    let noWrites = false;
    let code = body;
    if (body.startsWith("#!")) {
      const lineEnd = body.indexOf("\n");
      if (lineEnd === -1) return fail("ERR Invalid script shebang");
      const [engine, ...options] = body
        .slice(0, lineEnd)
        .split(/[ \t]+/)
        .filter(Boolean);
      if (engine !== "#!lua") return fail(`ERR Unexpected engine in script shebang: ${engine}`);
      for (const option of options) {
        if (!option.toLowerCase().startsWith("flags="))
          return fail(`ERR Unknown lua shebang option: ${option}`);
        for (const flag of option.slice("flags=".length).split(",").filter(Boolean)) {
          if (!REDIS_SCRIPT_FLAGS.has(flag))
            return fail(`ERR Unexpected flag in script shebang: ${flag}`);
          if (flag === "no-writes") noWrites = true;
        }
      }
      // Like Redis: skip the shebang but keep its newline, so line numbers hold.
      code = body.slice(lineEnd);
    }
    const L = this.#L;
    const bytes = binaryToLua(code);
    if (lauxlib.luaL_loadbuffer(L, bytes, bytes.length, to_luastring(USER_SCRIPT)) !== lua.LUA_OK) {
      return fail(`ERR Error compiling script (new function): ${this.#popString()}`);
    }
    this.#scripts.set(sha, { ref: lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX), noWrites });
    return sha;
  }

  run(sha: string, keys: string[], argv: string[], readOnly: boolean): RespValue {
    const script = this.#scripts.get(sha);
    if (!script) return err("NOSCRIPT No matching script. Please use EVAL.");
    const L = this.#L;
    return this.#db.atomically(() => {
      lua.lua_settop(L, 0);
      this.#setGlobalArray("KEYS", keys);
      this.#setGlobalArray("ARGV", argv);
      lua.lua_pushjsfunction(L, (l) => this.#errorHandler(l));
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, script.ref);
      const deadline = Date.now() + this.#timeoutMs;
      const message = to_luastring(
        `Script killed: it ran longer than ${this.#timeoutMs} ms (dev in-memory Redis)`,
      );
      const hook = (l: LuaState): void => {
        if (Date.now() <= deadline) return;
        // From now on every instruction fails, so a pcall inside the script cannot
        // keep it alive. The error handler is JS, so it is not hooked.
        lua.lua_sethook(l, hook, lua.LUA_MASKCOUNT, 1);
        lauxlib.luaL_error(l, message);
      };
      lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, 10_000);
      this.#readOnly = readOnly || script.noWrites;
      try {
        const status = lua.lua_pcall(L, 0, 1, 1);
        if (status !== lua.LUA_OK) return this.#scriptError(sha);
        return this.#toReply(-1);
      } finally {
        lua.lua_sethook(L, null, 0, 0);
        this.#readOnly = false;
        lua.lua_settop(L, 0);
      }
    });
  }

  /**
   * Message handler for a failing script, like Redis 7's: the error becomes a
   * table {err = "ERR ..." (unless it already is one), source, line} locating
   * the innermost line of the user's script.
   */
  #errorHandler(L: LuaState): number {
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
      const text = lua.lua_tolstring(L, 1);
      const message = text ? luaToBinary(text) : `(error object is a ${lua.lua_type(L, 1)} value)`;
      lua.lua_settop(L, 0);
      this.#pushTable("err", `ERR ${message}`);
    }
    const ar = new lua.lua_Debug();
    for (let level = 1; lua.lua_getstack(L, level, ar); level++) {
      lua.lua_getinfo(L, "Sl", ar);
      if (ar.source && luaToBinary(ar.source) === USER_SCRIPT) {
        lua.lua_pushstring(L, USER_SCRIPT);
        lua.lua_setfield(L, -2, "source");
        lua.lua_pushinteger(L, ar.currentline);
        lua.lua_setfield(L, -2, "line");
        break;
      }
    }
    return 1;
  }

  #popString(): string {
    const s = lua.lua_tolstring(this.#L, -1);
    lua.lua_pop(this.#L, 1);
    return s ? luaToBinary(s) : "(error object is not a string)";
  }

  #setGlobalArray(name: string, items: string[]): void {
    const L = this.#L;
    lua.lua_pushglobaltable(L);
    lua.lua_pushstring(L, name);
    lua.lua_createtable(L, items.length, 0);
    items.forEach((item, i) => {
      lua.lua_pushstring(L, binaryToLua(item));
      lua.lua_rawseti(L, -2, i + 1);
    });
    lua.lua_rawset(L, -3); // rawset: the globals table is read-only for scripts
    lua.lua_pop(L, 1);
  }

  /** The error object from a failed script (a table, thanks to the handler) as a reply. */
  #scriptError(sha: string): RespError {
    const L = this.#L;
    const field = (name: string): string | undefined => {
      lua.lua_getfield(L, -1, name);
      const value = lua.lua_type(L, -1) === lua.LUA_TNIL ? null : lua.lua_tolstring(L, -1);
      lua.lua_pop(L, 1);
      return value ? luaToBinary(value) : undefined;
    };
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE)
      return err(`ERR Error running script: ${this.#popString()}`);
    const message = field("err") ?? "ERR unknown error";
    const source = field("source");
    const line = field("line");
    const where =
      source !== undefined && line !== undefined ? ` script: ${sha}, on ${source}:${line}.` : "";
    return err(`${oneLine(message)}${where}`);
  }

  /** Converts the Lua value at `idx` to a reply, as Redis does for a script's return value. */
  #toReply(idx: number): RespValue {
    const L = this.#L;
    const type = lua.lua_type(L, idx);
    if (type === lua.LUA_TSTRING) return Buffer.from(lua.lua_tolstring(L, idx) ?? new Uint8Array());
    if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx) ? 1 : null;
    if (type === lua.LUA_TNUMBER) {
      if (lua.lua_isinteger(L, idx)) return lua.lua_tointeger(L, idx);
      const n = lua.lua_tonumber(L, idx);
      return Number.isFinite(n) ? Math.trunc(n) || 0 : 0;
    }
    if (type !== lua.LUA_TTABLE) return null;
    const abs = idx < 0 ? lua.lua_gettop(L) + idx + 1 : idx;
    const text = (name: string): string | undefined => {
      lua.lua_getfield(L, abs, name);
      const value = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tolstring(L, -1) : null;
      lua.lua_pop(L, 1);
      return value ? luaToBinary(value) : undefined;
    };
    const error = text("err");
    if (error !== undefined) return err(oneLine(error));
    const status = text("ok");
    if (status !== undefined) return oneLine(status);
    const items: RespValue[] = [];
    for (let i = 1; ; i++) {
      if (lua.lua_rawgeti(L, abs, i) === lua.LUA_TNIL) {
        lua.lua_pop(L, 1);
        break;
      }
      items.push(this.#toReply(-1));
      lua.lua_pop(L, 1);
    }
    return items;
  }

  /** Pushes a command reply onto the Lua stack, as redis.call returns it. */
  #pushReply(reply: RespValue): void {
    const L = this.#L;
    if (reply === null) lua.lua_pushboolean(L, false);
    else if (typeof reply === "number") {
      // fengari integers are 32-bit: larger values travel as (exact) floats.
      if (Number.isInteger(reply) && reply >= -(2 ** 31) && reply < 2 ** 31)
        lua.lua_pushinteger(L, reply);
      else lua.lua_pushnumber(L, reply);
    } else if (typeof reply === "string") this.#pushTable("ok", reply);
    else if (Buffer.isBuffer(reply)) lua.lua_pushstring(L, new Uint8Array(reply));
    else if (reply instanceof RespError) this.#pushTable("err", reply.message);
    else {
      lua.lua_createtable(L, reply.length, 0);
      reply.forEach((item, i) => {
        this.#pushReply(item);
        lua.lua_rawseti(L, -2, i + 1);
      });
    }
  }

  #pushTable(field: "ok" | "err", text: string): void {
    lua.lua_createtable(this.#L, 0, 1);
    lua.lua_pushstring(this.#L, binaryToLua(text));
    lua.lua_setfield(this.#L, -2, field);
  }

  /** redis.call (raise = true) and redis.pcall (raise = false). */
  #redisCall(L: LuaState, raise: boolean): number {
    const count = lua.lua_gettop(L);
    const fault = (message: string): number => {
      lua.lua_settop(L, 0);
      this.#pushTable("err", message);
      return raise ? lua.lua_error(L) : 1;
    };
    if (count === 0)
      return fault("ERR Please specify at least one argument for this redis lib call");
    const args: string[] = [];
    for (let i = 1; i <= count; i++) {
      const type = lua.lua_type(L, i);
      if (type === lua.LUA_TNUMBER) {
        args.push(
          lua.lua_isinteger(L, i)
            ? String(lua.lua_tointeger(L, i))
            : String(lua.lua_tonumber(L, i)),
        );
      } else if (type === lua.LUA_TSTRING) {
        args.push(luaToBinary(lua.lua_tolstring(L, i) ?? new Uint8Array()));
      } else {
        return fault("ERR Lua redis lib command arguments must be strings or integers");
      }
    }
    const reply = this.#db.execute(args, { readOnly: this.#readOnly });
    lua.lua_settop(L, 0);
    if (reply instanceof RespError) return fault(reply.message);
    this.#pushReply(reply);
    return 1;
  }

  #installRedisTable(): void {
    const L = this.#L;
    const fn = (name: string, impl: LuaJsFunction): void => {
      lua.lua_pushjsfunction(L, impl);
      lua.lua_setfield(L, -2, name);
    };
    const replyTable = (field: "ok" | "err") => (l: LuaState) => {
      const text = lua.lua_type(l, 1) === lua.LUA_TSTRING ? lua.lua_tolstring(l, 1) : null;
      if (!text) return lauxlib.luaL_error(l, to_luastring("wrong number or type of arguments"));
      this.#pushTable(field, luaToBinary(text));
      return 1;
    };
    lua.lua_createtable(L, 0, 16);
    fn("call", (l) => this.#redisCall(l, true));
    fn("pcall", (l) => this.#redisCall(l, false));
    fn("error_reply", replyTable("err"));
    fn("status_reply", replyTable("ok"));
    fn("sha1hex", (l) => {
      const text = lua.lua_tolstring(l, 1);
      if (!text) return lauxlib.luaL_error(l, to_luastring("wrong number of arguments"));
      lua.lua_pushstring(l, createHash("sha1").update(text).digest("hex"));
      return 1;
    });
    fn("log", () => 0);
    fn("setresp", (l) => {
      if (lua.lua_tointeger(l, 1) !== 2) {
        return lauxlib.luaL_error(
          l,
          to_luastring("RESP3 is not supported by the dev in-memory Redis"),
        );
      }
      return 0;
    });
    fn("set_repl", () => 0);
    fn("replicate_commands", (l) => {
      lua.lua_pushboolean(l, true);
      return 1;
    });
    const constants: Array<[string, number]> = [
      ["LOG_DEBUG", 0],
      ["LOG_VERBOSE", 1],
      ["LOG_NOTICE", 2],
      ["LOG_WARNING", 3],
      ["REPL_NONE", 0],
      ["REPL_AOF", 1],
      ["REPL_SLAVE", 2],
      ["REPL_REPLICA", 2],
      ["REPL_ALL", 3],
      ["REDIS_VERSION_NUM", 0x070200],
    ];
    for (const [name, value] of constants) {
      lua.lua_pushinteger(L, value);
      lua.lua_setfield(L, -2, name);
    }
    lua.lua_pushstring(L, "7.2.0");
    lua.lua_setfield(L, -2, "REDIS_VERSION");
    lua.lua_setglobal(L, "redis");
  }
}

/** Status and error replies are single lines. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, " ");
