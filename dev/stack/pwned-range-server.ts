// A local server speaking Have I Been Pwned's range API (GET /range/{5 hex}),
// for tests and offline development: it knows a given list of "breached"
// passwords and pads every answer like the real service (`Add-Padding`).
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface PwnedRangeServer {
  url: string;
  /** How many range requests arrived (tests check the service asked). */
  requests(): number;
  close(): Promise<void>;
}

const PADDING_LINES = 50;

export async function startPwnedRangeServer(
  breached: readonly string[],
): Promise<PwnedRangeServer> {
  const byPrefix = new Map<string, string[]>();
  for (const password of breached) {
    const hex = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const lines = byPrefix.get(hex.slice(0, 5)) ?? [];
    lines.push(`${hex.slice(5)}:${1000 + lines.length}`);
    byPrefix.set(hex.slice(0, 5), lines);
  }
  let count = 0;
  const server = http.createServer((req, res) => {
    const prefix = /^\/range\/([0-9A-Fa-f]{5})$/.exec(req.url ?? "")?.[1]?.toUpperCase();
    if (req.method !== "GET" || !prefix) {
      res
        .writeHead(400, { "content-type": "text/plain" })
        .end("The hash prefix was not in a valid format");
      return;
    }
    count += 1;
    const lines = [...(byPrefix.get(prefix) ?? [])];
    if (req.headers["add-padding"] === "true") {
      for (let i = 0; i < PADDING_LINES; i++) {
        lines.push(
          `${createHash("sha1").update(`${prefix}${i}`).digest("hex").slice(5).toUpperCase()}:0`,
        );
      }
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(lines.join("\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/range/`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Passwords the test stack's range server reports as breached. */
export const TEST_BREACHED_PASSWORDS = [
  "this password was breached long ago",
  "breached-but-long-enough-2019",
];
