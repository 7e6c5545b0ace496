// JSON shapes of the Upstash Redis REST API, as read from @upstash/redis 1.39.0
// (HttpClient.request, Command.exec, Pipeline.exec in its dist chunk).
//
// Request:  POST, JSON body. "/" takes one command `["SET", "k", "v", "EX", 10]`,
//           "/pipeline" and "/multi-exec" take `[[...], [...]]`. Arguments are
//           strings, numbers or booleans; Redis only knows byte strings.
// Reply:    `{result}` or `{error}`; the batch paths reply with an array of those.
//           A non-2xx status must still carry a JSON `{error}` body: the client
//           parses it and throws UpstashError(error).
// Encoding: the client sends "Upstash-Encoding: base64" by default and then
//           base64-decodes every string in `result`, except a top-level "OK".
//           Strings nested in arrays are decoded unconditionally, so there even
//           "OK" must be encoded. Numbers and null pass through; `error` is never encoded.
import { RespError, type RespValue } from "./resp-codec.ts";

export type UpstashResult = string | number | null | UpstashResult[];
export type UpstashReply = { result: UpstashResult } | { error: string };

export class InvalidCommandError extends Error {
  override name = "InvalidCommandError";
}

/** Validates one command from a request body and turns its arguments into strings. */
export function toCommandArgs(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidCommandError("ERR a command must be a non-empty JSON array");
  }
  return value.map((arg) => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    throw new InvalidCommandError(`ERR unsupported command argument: ${JSON.stringify(arg)}`);
  });
}

export function toUpstashReply(reply: RespValue, base64: boolean): UpstashReply {
  if (reply instanceof RespError) return { error: reply.message };
  return { result: encodeValue(reply, base64, true) };
}

function encodeValue(value: RespValue, base64: boolean, topLevel: boolean): UpstashResult {
  if (value === null || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, base64, false));
  // Errors nested in arrays (e.g. returned from a Lua table) travel as text.
  const bytes = Buffer.isBuffer(value)
    ? value
    : Buffer.from(value instanceof RespError ? value.message : value);
  if (!base64) return bytes.toString("utf8");
  if (topLevel && typeof value === "string" && value === "OK") return "OK";
  return bytes.toString("base64");
}
