// The dev server's mail sink port (dev/dev-server/mail.ts): the default port
// taken is no reason to fail, a port asked for and taken is.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDevMailSink } from "../../dev/dev-server/mail.ts";
import type { MailSink } from "../../dev/stack/mail-sink.ts";

const apiKey = "re_test_key";
const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

/** Something else listening on 127.0.0.1, on a port of the kernel's choice. */
async function occupiedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
  return (server.address() as net.AddressInfo).port;
}

const portOf = (sink: MailSink) => Number(new URL(sink.url).port);

describe("startDevMailSink", () => {
  it("uses the default port when it is free", async () => {
    const free = await occupiedPort();
    await open.pop()?.close();
    const { sink, fellBackFrom } = await startDevMailSink({
      apiKey,
      requestedPort: undefined,
      defaultPort: free,
    });
    open.push(sink);
    expect(portOf(sink)).toBe(free);
    expect(fellBackFrom).toBeUndefined();
  });

  // Regression: a second dev server died with `listen EADDRINUSE 127.0.0.1:8025`.
  it("falls back to a free port, and says from which, when the default one is taken", async () => {
    const taken = await occupiedPort();
    for (const requestedPort of [undefined, ""]) {
      const { sink, fellBackFrom } = await startDevMailSink({
        apiKey,
        requestedPort,
        defaultPort: taken,
      });
      open.push(sink);
      expect(fellBackFrom).toBe(taken);
      expect(portOf(sink)).not.toBe(taken);
      const res = await fetch(`${sink.url}/messages`);
      expect(await res.json()).toEqual([]);
    }
  });

  it("fails clearly when MAIL_SINK_PORT names a port that is taken, or no port", async () => {
    const taken = await occupiedPort();
    await expect(startDevMailSink({ apiKey, requestedPort: String(taken) })).rejects.toThrow(
      `MAIL_SINK_PORT ${taken} is in use`,
    );
    await expect(startDevMailSink({ apiKey, requestedPort: "80a" })).rejects.toThrow(
      "MAIL_SINK_PORT must be a port number",
    );
  });
});
