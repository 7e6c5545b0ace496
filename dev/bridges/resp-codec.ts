// RESP2 encoding of commands and incremental decoding of replies.
// https://redis.io/docs/latest/develop/reference/protocol-spec/ (RESP2 subset:
// simple string, error, integer, bulk string, array; -1 lengths are nulls).

/**
 * Replies: simple strings ("+OK") are `string`, bulk strings are `Buffer` (binary
 * safe: callers decide between UTF-8 and base64), integers are `number`, nil bulk
 * and nil array are `null`, and error replies are `RespError` values (not thrown,
 * so a pipeline can carry per-command errors).
 */
export type RespValue = string | number | null | Buffer | RespError | RespValue[];

export type RespArg = string | number | Buffer;

export class RespError extends Error {
  override name = "RespError";
  /** First word of the message, e.g. "ERR", "WRONGTYPE", "NOSCRIPT". */
  get code(): string {
    return this.message.split(" ", 1)[0] ?? "";
  }
}

const CRLF = Buffer.from("\r\n");

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RespArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), "utf8");
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

export class RespProtocolError extends Error {
  override name = "RespProtocolError";
}

/** Marker for "need more bytes"; distinct from a parsed null. */
const INCOMPLETE = Symbol("incomplete");
type Parsed = { value: RespValue; next: number } | typeof INCOMPLETE;

/**
 * Feed socket chunks in, get complete replies out, in order. Partial replies
 * stay buffered until the rest arrives.
 */
export class RespParser {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RespValue[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const replies: RespValue[] = [];
    let offset = 0;
    for (;;) {
      const parsed = parseValue(this.#buffer, offset);
      if (parsed === INCOMPLETE) break;
      replies.push(parsed.value);
      offset = parsed.next;
    }
    this.#buffer = this.#buffer.subarray(offset);
    return replies;
  }
}

function parseValue(buf: Buffer, start: number): Parsed {
  if (start >= buf.length) return INCOMPLETE;
  const lineEnd = buf.indexOf(CRLF, start);
  if (lineEnd === -1) return INCOMPLETE;
  const type = String.fromCharCode(buf[start] ?? 0);
  const line = buf.toString("utf8", start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: line, next };
    case "-":
      return { value: new RespError(line), next };
    case ":":
      return { value: parseInteger(line), next };
    case "$": {
      const length = parseInteger(line);
      if (length === -1) return { value: null, next };
      const end = next + length;
      if (buf.length < end + 2) return INCOMPLETE;
      // Copy, so a small value does not pin the whole receive buffer in memory.
      return { value: Buffer.from(buf.subarray(next, end)), next: end + 2 };
    }
    case "*": {
      const count = parseInteger(line);
      if (count === -1) return { value: null, next };
      const items: RespValue[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = parseValue(buf, offset);
        if (item === INCOMPLETE) return INCOMPLETE;
        items.push(item.value);
        offset = item.next;
      }
      return { value: items, next: offset };
    }
    default:
      throw new RespProtocolError(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

function parseInteger(text: string): number {
  if (!/^-?\d+$/.test(text))
    throw new RespProtocolError(`invalid RESP integer ${JSON.stringify(text)}`);
  return Number(text);
}
