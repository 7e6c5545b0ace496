// The test stack's local OpenID Connect provider (dev/stack/oidc-provider.ts,
// panva's oidc-provider) in a Node process of its own, for the social-login
// rows. The stack runs its providers in the same process as the Neon and
// Upstash bridges, which a callback keeps busy too, so /proc could not tell the
// provider's CPU from theirs; here it has its own pid (bench/load/cpu.ts counts
// it as `provider`). Run as a script, it starts one provider and prints one
// JSON line with its issuer; it stops when its stdin closes or on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { stopChild } from "../dev/stack/ports.ts";

/** The provider id the bench signs in with (the built-in Google slot, pointed here). */
export const BENCH_PROVIDER = "google";

/**
 * The host the bench sends the sign-in flows' requests to the main worker
 * with: the Worker names its callback after the request's origin, and the
 * provider's client must list that callback before any port is known.
 */
export const FLOW_HOST = "auth.bench";

export interface BenchProvider {
  issuer: string;
  pid: number;
  /** The Worker's variables that point its `google` provider here. */
  bindings: Record<string, string>;
  /** Adds a person who may sign in (the provider's test control API). */
  addAccount(account: { sub: string; email: string; email_verified: boolean }): Promise<void>;
  stop(): Promise<void>;
}

interface ChildConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export async function startBenchProvider(): Promise<BenchProvider> {
  const config: ChildConfig = {
    clientId: "bench-client",
    clientSecret: randomBytes(24).toString("base64url"),
    redirectUri: `http://${FLOW_HOST}/v1/oauth/${BENCH_PROVIDER}/callback`,
  };
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const issuer = await firstLine(child);
  const prefix = `OAUTH_${BENCH_PROVIDER.toUpperCase()}`;
  return {
    issuer,
    pid: child.pid as number,
    bindings: {
      [`${prefix}_CLIENT_ID`]: config.clientId,
      [`${prefix}_CLIENT_SECRET`]: config.clientSecret,
      [`${prefix}_ISSUER`]: issuer,
    },
    async addAccount(account) {
      const res = await fetch(`${issuer}/__test/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(account),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`provider: adding an account answered ${res.status}`);
    },
    stop: () => stopChild(child),
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`OIDC provider exited early (${code})`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf("\n");
      if (newline === -1) return;
      child.removeAllListeners("exit");
      resolve((JSON.parse(out.slice(0, newline)) as { issuer: string }).issuer);
    });
  });
}

async function main(config: ChildConfig): Promise<void> {
  const { startLocalOidcProvider } = await import("../dev/stack/oidc-provider.ts");
  const provider = await startLocalOidcProvider({
    clients: [
      {
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        redirectUris: [config.redirectUri],
      },
    ],
  });
  const stop = () => {
    // Keep-alive connections from a workerd that is gone must not hold the exit up.
    setTimeout(() => process.exit(0), 1000).unref();
    void provider.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ issuer: provider.issuer })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(JSON.parse(process.argv[2] ?? "{}") as ChildConfig).catch((err: unknown) => {
    console.error(`[bench:oidc-provider] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
