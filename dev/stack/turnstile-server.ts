// A local server speaking Cloudflare Turnstile's siteverify API, for tests:
// it accepts one known response token for one known secret, like Cloudflare's
// documented test keys, and answers everything else as the real API does.
import http from "node:http";
import type { AddressInfo } from "node:net";

export const TEST_TURNSTILE_SECRET = "test-turnstile-secret";
export const TEST_TURNSTILE_PASSING_TOKEN = "a-solved-turnstile-challenge";

export async function startTurnstileServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const errors: string[] = [];
      if (form.get("secret") !== TEST_TURNSTILE_SECRET) errors.push("invalid-input-secret");
      if (form.get("response") !== TEST_TURNSTILE_PASSING_TOKEN)
        errors.push("invalid-input-response");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ success: errors.length === 0, "error-codes": errors }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
