// A refresh-token rotation as a closed loop: each worker owns one session and
// always sends the token it got last, since rotation spends every token. Ours
// (bench/phases/load.ts) and OpenAuth's (bench/peers/measure.ts) are driven
// by this one loop, so the two differ only in the request.
import { baseHeaders } from "../api.ts";
import { type Client, createClient } from "./client.ts";
import { closedLoop, type Window } from "./closed-loop.ts";
import type { LoadResult } from "./stats.ts";

export interface Rotation {
  base: string;
  /** One per worker; each is replaced by the token the server returned. */
  tokens: string[];
  seconds: number;
  warmupSeconds: number;
  window?: Window;
  /** Sends one refresh with `token`; answers the next token, or null if the session is dead. */
  exchange(client: Client, token: string): Promise<{ status: number; next: string | null }>;
}

export async function rotationLoop(r: Rotation): Promise<LoadResult> {
  const client = createClient(r.base, r.tokens.length, baseHeaders);
  try {
    return await closedLoop({
      tool: "node:http closed loop",
      workers: r.tokens.length,
      seconds: r.seconds,
      warmup: { seconds: r.warmupSeconds },
      ...(r.window ? { window: r.window } : {}),
      step: async (w) => {
        const { status, next } = await r.exchange(client, r.tokens[w] as string);
        // The session is dead (or the server refused): nothing left to rotate.
        if (next === null) return { ok: false, status, stop: true };
        r.tokens[w] = next;
        return { ok: true, status };
      },
    });
  } finally {
    client.close();
  }
}
