import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

/**
 * The kernel's range for ephemeral ports: the local ports of outgoing connections
 * and of `listen(0)`. Linux only; elsewhere undefined.
 */
function ephemeralRange(): [number, number] | undefined {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    return low !== undefined &&
      high !== undefined &&
      Number.isInteger(low) &&
      Number.isInteger(high)
      ? [low, high]
      : undefined;
  } catch {
    return undefined;
  }
}

/** Listens on 127.0.0.1:port (0 = the kernel picks), closes, and returns the port, or undefined if taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(undefined) : reject(error),
    );
    srv.listen(port, "127.0.0.1", () => {
      const { port: bound } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(bound));
    });
  });
}

/** The lowest port freePort picks from: clear of the well-known and most registered services. */
const PICK_FROM = 10_000;

/**
 * A TCP port on 127.0.0.1 that is free now, for a child process to listen on.
 *
 * The port is released before the child binds it, so something else may take it
 * in between. A port from the kernel's ephemeral range is the likeliest to be
 * taken: every outgoing connection on the machine (a test's fetch, a database
 * client) gets its local port from that range. So the port is drawn at random
 * from below the range; only when the range leaves no room does the kernel pick.
 */
export async function freePort(): Promise<number> {
  const range = ephemeralRange();
  if (range && range[0] - PICK_FROM >= 1_000) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const candidate = PICK_FROM + Math.floor(Math.random() * (range[0] - PICK_FROM));
      const port = await tryPort(candidate);
      if (port !== undefined) return port;
    }
  }
  const port = await tryPort(0);
  if (port === undefined) throw new Error("no free port on 127.0.0.1");
  return port;
}

/** Resolves once something accepts TCP connections on host:port, or rejects after the deadline. */
export async function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host, port });
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Stops a child process and resolves once it is gone. A child that has already
 * exited, by a code or by a signal, resolves at once (waiting for its "exit"
 * event would wait forever).
 */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
