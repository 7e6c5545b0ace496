// A refresh-token rotation, as a closed loop or an open one at a given pace:
// each worker owns one session and always sends the token it got last, since
// rotation spends every token. Ours
// (bench/phases/load.ts) and OpenAuth's (bench/peers/measure.ts) are driven
// by this one loop, so the two differ only in the request.
import { baseHeaders } from "../api.ts";
import { type Client, createClient } from "./client.ts";
import { closedLoop, type Step, type Window } from "./closed-loop.ts";
import { openLoop } from "./open-loop.ts";
import type { LoadResult } from "./stats.ts";

export interface Rotation {
  base: string;
  /** One per worker; each is replaced by the token the server returned. */
  tokens: string[];
  seconds: number;
  warmupSeconds: number;
  window?: Window;
  /**
   * Arrivals per second of an open loop (open-loop.ts) over the same sessions;
   * without it, each session's worker sends again as soon as it has its answer.
   */
  pace?: number;
  /** Sends one refresh with `token`; answers the next token, or null if the session is dead. */
  exchange(client: Client, token: string): Promise<{ status: number; next: string | null }>;
}

export async function rotationLoop(r: Rotation): Promise<LoadResult> {
  const client = createClient(r.base, r.tokens.length, baseHeaders);
  const step = async (w: number): Promise<Step> => {
    const { status, next } = await r.exchange(client, r.tokens[w] as string);
    // The session is dead (or the server refused): nothing left to rotate.
    if (next === null) return { ok: false, status, stop: true };
    r.tokens[w] = next;
    return { ok: true, status };
  };
  const common = {
    workers: r.tokens.length,
    seconds: r.seconds,
    step,
    ...(r.window ? { window: r.window } : {}),
  };
  try {
    return r.pace
      ? await openLoop({
          ...common,
          tool: `node:http open loop, ${r.pace}/s`,
          rps: r.pace,
          warmupSeconds: r.warmupSeconds,
        })
      : await closedLoop({
          ...common,
          tool: "node:http closed loop",
          warmup: { seconds: r.warmupSeconds },
        });
  } finally {
    client.close();
  }
}
