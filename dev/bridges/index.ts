// Local stand-ins for Neon and Upstash, for dev and tests (Node only).
export type { NeonBridge, NeonBridgeOptions, NeonClientSettings } from "./neon.ts";
export { neonClientSettings, startNeonBridge } from "./neon.ts";
export type { TcpAddress } from "./neon-ws.ts";
export type { RedisBackend, RedisTarget, RespArg, RespValue } from "./resp.ts";
export { connectRedis, parseRedisUrl, RespClient, RespError } from "./resp.ts";
export type { UpstashBridge, UpstashBridgeOptions } from "./upstash.ts";
export { startUpstashBridge } from "./upstash.ts";
